import type { ApiToken } from '@wallet/http';

/**
 * Reads bearer tokens (a JSON array of `ApiToken`) from a Secrets Manager secret through the
 * AWS Parameters and Secrets Lambda Extension, which the stack attaches when tokens are
 * configured: a local HTTP call that caches the secret, so the function needs no AWS SDK.
 *
 * @throws {Error} when the extension answers with an error or the secret is not a JSON array
 * @example
 * const tokens = await fetchSecretTokens(process.env.WALLET_API_TOKENS_SECRET_ID!);
 */
export async function fetchSecretTokens(secretId: string): Promise<ApiToken[]> {
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(
    `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
    { headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' } },
  );
  if (!response.ok) {
    throw new Error(`reading secret ${secretId} failed with HTTP ${response.status}`);
  }
  const { SecretString } = (await response.json()) as { SecretString?: string };
  const tokens: unknown = JSON.parse(SecretString ?? 'null');
  if (!Array.isArray(tokens)) throw new Error(`secret ${secretId} is not a JSON array of tokens`);
  return tokens as ApiToken[];
}
