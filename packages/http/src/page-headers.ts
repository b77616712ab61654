/**
 * The headers of a page this API serves besides its JSON (`/docs`, `/console/`): a
 * Content-Security-Policy that lets the page load and call only this server's own origin and be
 * framed by no one (a token is typed into both pages), and no sniffing or referrers.
 * `inlineStyles` allows style attributes set from script, which Swagger UI needs.
 *
 * @example
 * return c.body(bytes, 200, { ...pageHeaders({ inlineStyles: false }), 'Content-Type': type });
 */
export function pageHeaders({ inlineStyles }: { inlineStyles: boolean }) {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    // data: URIs carry no origin: Swagger UI's stylesheet draws its icons with them.
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  } as const;
}
