type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | ((event: Event) => void) | undefined>;

/**
 * An element with attributes, event listeners (`onclick`, `onsubmit`, ...) and children. Text is
 * always set as text, never parsed as HTML, so nothing a wallet holds (an account id, metadata,
 * a reason) can inject markup into the page.
 */
export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  element.append(...children.filter((child): child is Node | string => !!child || child === ''));
  return element;
}

/** An SVG element (charts), with attributes. */
export function svg(tag: string, attributes: Record<string, string>, ...children: Node[]) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A table with a header row; `cells` may be text or nodes (links). */
export function table(
  header: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
  testId?: string,
): HTMLElement {
  return h(
    'table',
    { 'data-testid': testId },
    h('thead', {}, h('tr', {}, ...header.map((title) => h('th', {}, title)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell) => h('td', {}, cell))))),
  );
}

/** A link inside the console (hash routing). */
export function link(route: string, text: string): HTMLElement {
  return h('a', { href: `#${route}` }, text);
}
