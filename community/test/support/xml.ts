/**
 * A strict reader of the XML documents the community serves (RSS, the sitemap): it refuses anything that is not
 * well-formed (unbalanced or crossed tags, a bare `<` or `&`, an unknown entity, unquoted or repeated attributes, two
 * roots) and gives back the element tree, so tests can look inside as a feed reader or a crawler would.
 */

export type XmlElement = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string };

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string, where: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) throw new Error(`a bare & in ${where}`);
    if (name in ENTITIES) return ENTITIES[name] as string;
    const code = /^#x[0-9a-f]+$/i.test(name)
      ? Number.parseInt(name.slice(2), 16)
      : /^#\d+$/.test(name)
        ? Number(name.slice(1))
        : Number.NaN;
    if (Number.isNaN(code)) throw new Error(`unknown entity &${name}; in ${where}`);
    return String.fromCodePoint(code);
  });
}

function parseAttributes(source: string, tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  let rest = source.trim();
  while (rest) {
    const match = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')\s*/.exec(rest);
    if (!match?.[1]) throw new Error(`malformed attributes in <${tag}>: ${rest.slice(0, 40)}`);
    if (match[1] in attributes) throw new Error(`attribute ${match[1]} repeated in <${tag}>`);
    attributes[match[1]] = decodeEntities(match[3] ?? match[4] ?? "", `<${tag}>`);
    rest = rest.slice(match[0].length);
  }
  return attributes;
}

/** The document's root element; throws, saying where, when the text is not well-formed XML. */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const declaration = /^<\?xml\s[^?]*\?>/.exec(source);
  if (declaration) at = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (at < source.length) {
    const open = source.indexOf("<", at);
    const text = source.slice(at, open < 0 ? source.length : open);
    if (stack.length) (stack.at(-1) as XmlElement).text += decodeEntities(text, `<${stack.at(-1)?.name}>`);
    else if (text.trim()) throw new Error(`text outside the root element: ${text.trim().slice(0, 40)}`);
    if (open < 0) break;
    if (source.startsWith("<!--", open)) {
      const end = source.indexOf("-->", open);
      if (end < 0) throw new Error("an unclosed comment");
      at = end + 3;
      continue;
    }
    if (source.startsWith("<![CDATA[", open)) {
      const end = source.indexOf("]]>", open);
      if (end < 0 || !stack.length) throw new Error("a CDATA section out of place");
      (stack.at(-1) as XmlElement).text += source.slice(open + 9, end);
      at = end + 3;
      continue;
    }
    const close = source.indexOf(">", open);
    if (close < 0) throw new Error("a tag that never ends");
    const tag = source.slice(open + 1, close);
    at = close + 1;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const element = stack.pop();
      if (element?.name !== name) throw new Error(`</${name}> closes <${element?.name ?? "nothing"}>`);
      continue;
    }
    if (tag.startsWith("?") || tag.startsWith("!")) throw new Error(`unexpected <${tag.slice(0, 20)}> in the document`);
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = NAME.exec(body)?.[0];
    if (!name) throw new Error(`a tag without a name: <${tag.slice(0, 20)}>`);
    if (body.length > name.length && !/^\s/.test(body.slice(name.length))) throw new Error(`malformed tag <${tag}>`);
    const element: XmlElement = {
      name,
      attributes: parseAttributes(body.slice(name.length), name),
      children: [],
      text: "",
    };
    if (stack.length) stack.at(-1)?.children.push(element);
    else if (root) throw new Error(`a second root element <${name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length) throw new Error(`<${stack.at(-1)?.name}> is never closed`);
  if (!root) throw new Error("no root element");
  return root;
}

/** The direct children of `element` named `name`. */
export const childrenNamed = (element: XmlElement, name: string): XmlElement[] =>
  element.children.filter((child) => child.name === name);

/** The text of the first child named `name`, or undefined. */
export const childText = (element: XmlElement, name: string): string | undefined =>
  childrenNamed(element, name)[0]?.text.trim();
