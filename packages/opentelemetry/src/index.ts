export {
  type OpenTelemetryInstrumentationOptions,
  openTelemetryInstrumentation,
} from './opentelemetry-instrumentation.js';
