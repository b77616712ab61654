import { runWallet } from './program.js';

// A reader that goes away (`wallet list | head`) ends the output, not the command with a trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// The AWS SDK (loaded for --dynamodb-table and s3:// only) warns on every run under Node.js 20
// that its releases after January 2027 need Node.js 22: a note for whoever upgrades the pinned
// SDK, not for an operator, whose error lines it would bury. An explicit setting is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runWallet(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
