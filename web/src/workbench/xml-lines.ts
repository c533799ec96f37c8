// The line of each element of an XML text, and the XPath the server gives it (src/cda/dom.ts:
// local names, a [n] index only when a parent has several children of that name), so that a finding's
// XPath points at a line of the source view. Comments, CDATA and processing instructions are skipped.

export interface XmlNode {
  name: string;
  line: number;
  children: XmlNode[];
  parent?: XmlNode;
}

/** Start offsets of each line, for offset → line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const START = /<([A-Za-z_][\w.:-]*)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(\/?)>/y;
const END = /<\/([A-Za-z_][\w.:-]*)\s*>/y;
const local = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** A tree of the elements with their start lines; undefined when no root element is found. */
export function xmlTree(text: string): XmlNode | undefined {
  const starts = lineStarts(text);
  const root: XmlNode = { name: '#document', line: 1, children: [] };
  let cur = root;
  let i = text.indexOf('<');
  while (i >= 0 && i < text.length) {
    if (text.startsWith('<!--', i)) i = skip(text, i, '-->');
    else if (text.startsWith('<![CDATA[', i)) i = skip(text, i, ']]>');
    else if (text.startsWith('<?', i)) i = skip(text, i, '?>');
    else if (text.startsWith('<!', i)) i = skip(text, i, '>');
    else if (text.startsWith('</', i)) {
      END.lastIndex = i;
      const m = END.exec(text);
      if (cur.parent) cur = cur.parent;
      i = m ? END.lastIndex : i + 2;
    } else {
      START.lastIndex = i;
      const m = START.exec(text);
      if (!m) {
        i += 1;
      } else {
        const node: XmlNode = { name: local(m[1]), line: lineOf(starts, i), children: [], parent: cur };
        cur.children.push(node);
        if (!m[2]) cur = node;
        i = START.lastIndex;
      }
    }
    i = text.indexOf('<', i);
  }
  return root.children[0];
}

function skip(text: string, from: number, end: string): number {
  const j = text.indexOf(end, from);
  return j < 0 ? text.length : j + end.length;
}

/** Line of an XPath such as /ClinicalDocument/component/structuredBody/component[3]/section/@code:
 *  the deepest element reached (a missing element points at its parent, where it should be). */
export function lineOfXpath(root: XmlNode, xpath: string): number | undefined {
  const steps = xpath.replace(/\[[^\]]*@[^\]]*\]/g, '').split('/').filter(Boolean);
  if (!steps.length) return undefined;
  let node: XmlNode | undefined = root;
  const first = /^([\w.-]+)/.exec(steps[0])?.[1];
  if (first !== root.name) {
    // A self-presenting CDA: the path starts at the ClinicalDocument inside the stylesheet.
    node = find(root, (n) => n.name === first);
    if (!node) return undefined;
  }
  for (const step of steps.slice(1)) {
    const m = /^([\w.-]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m) break; // @attribute, text(), functions: the element itself
    const same: XmlNode[] = node.children.filter((c) => c.name === m[1]);
    const next: XmlNode | undefined = same[(m[2] ? Number(m[2]) : 1) - 1];
    if (!next) break;
    node = next;
  }
  return node.line;
}

function find(n: XmlNode, pred: (n: XmlNode) => boolean): XmlNode | undefined {
  if (pred(n)) return n;
  for (const c of n.children) {
    const f = find(c, pred);
    if (f) return f;
  }
  return undefined;
}
