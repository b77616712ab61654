/** An error answer of the wallet API: its status, code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error body's `details`, when it has them. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What the signed-in token may do (`GET /v1/me`). */
export interface Caller {
  name: string | null;
  scopes: string[];
  accountId: string | null;
}

/**
 * The wallet API as the console calls it: same origin, the bearer token on every call, JSON in
 * and out. Mutating calls carry an idempotency key made once per confirmed action, so a retry
 * after a lost answer never applies twice.
 */
export class Api {
  constructor(private readonly token: string) {}

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') search.set(name, value);
    }
    const suffix = search.size > 0 ? `?${search}` : '';
    return this.call<T>('GET', `${path}${suffix}`);
  }

  /**
   * A POST; `body` left out sends neither a body nor a `Content-Type` (`POST /v1/digests`), and
   * `idempotencyKey` is for the calls that write.
   */
  post<T>(path: string, body?: object, idempotencyKey?: string): Promise<T> {
    return this.call<T>('POST', path, body, idempotencyKey);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: object,
    idempotencyKey?: string,
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    const response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json().catch(() => null)) as {
      error?: { code: string; message: string; details?: Record<string, unknown> };
    } | null;
    if (!response.ok) {
      const error = payload?.error;
      throw new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? response.statusText,
        error?.details,
      );
    }
    return payload as T;
  }
}

/** A path segment, escaped. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
