import { type ListenOptions, type RunningServer, listen as serve } from './node-server.js';
import type { WalletApi } from './wallet-api.js';

export type { ListenOptions, RunningServer, ServerLimits } from './node-server.js';

/**
 * Serves the API on Node with `@hono/node-server` (an optional peer dependency: install it
 * beside `@wallet/http` to use this subpath), with the limits of {@link ListenOptions}.
 *
 * @example
 * import { createWalletApi } from '@wallet/http';
 * import { listen } from '@wallet/http/node';
 *
 * const server = await listen(createWalletApi({ service, tokens }), { port: 3000 });
 * console.log(`wallet API on ${server.url}`);
 */
export function listen(
  api: Pick<WalletApi, 'fetch'>,
  options: ListenOptions,
): Promise<RunningServer> {
  return serve(api.fetch, options);
}
