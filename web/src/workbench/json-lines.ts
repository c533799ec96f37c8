// The line of each property and array item of a JSON text, so that a FHIRPath such as
// Bundle.entry[1].resource.birthDate points at a line of the source view. A tolerant little
// parser: it stops at the first syntax error (the server reports that one with its position).

export interface JsonNode {
  line: number;
  props?: Map<string, { line: number; value: JsonNode }>;
  items?: JsonNode[];
  /** For strings: the value (to find extension('url')). */
  text?: string;
}

export function jsonTree(text: string): JsonNode | undefined {
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    let out = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += text[i + 1] === 'u' ? String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)) : text[i + 1];
        i += text[i + 1] === 'u' ? 6 : 2;
      } else out += text[i++];
    }
    if (text[i] !== '"') throw new Error('unterminated string');
    i++;
    return out;
  };
  const value = (): JsonNode => {
    ws();
    const node: JsonNode = { line };
    const c = text[i];
    if (c === '{') {
      i++;
      node.props = new Map();
      ws();
      if (text[i] === '}') return i++, node;
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error('expected a property name');
        const keyLine = line;
        const key = str();
        ws();
        if (text[i++] !== ':') throw new Error('expected :');
        node.props.set(key, { line: keyLine, value: value() });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, node;
        else throw new Error('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      node.items = [];
      ws();
      if (text[i] === ']') return i++, node;
      for (;;) {
        node.items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, node;
        else throw new Error('expected , or ]');
      }
    }
    if (c === '"') {
      node.text = str();
      return node;
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) throw new Error('unexpected token');
    i += m[0].length;
    return node;
  };
  try {
    return value();
  } catch {
    return undefined;
  }
}

/** Splits a FHIRPath on dots outside brackets, quotes and parentheses. */
export function fhirPathSteps(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of path) {
    if (ch === "'") quote = !quote;
    if (!quote && (ch === '(' || ch === '[')) depth++;
    if (!quote && (ch === ')' || ch === ']')) depth--;
    if (ch === '.' && !depth && !quote) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter(Boolean);
}

/** Line of a FHIRPath in a JSON tree: the deepest property or item reached. */
export function lineOfFhirPath(root: JsonNode, path: string): number | undefined {
  const steps = fhirPathSteps(path);
  if (!steps.length) return undefined;
  let node = root;
  let line = root.line;
  for (const step of steps.slice(1)) {
    const ext = /^extension\('([^']*)'\)$/.exec(step);
    if (ext) {
      const list = node.props?.get('extension')?.value.items ?? [];
      const found = list.find((e) => e.props?.get('url')?.value.text === ext[1]);
      if (!found) break;
      node = found;
      line = found.line;
      continue;
    }
    const m = /^([A-Za-z_][\w]*)(?:\[(\d+)\])?$/.exec(step);
    if (!m || !node.props) break; // ofType(), where()…: stay on the element
    const [, name, index] = m;
    // The element, its primitive extension (_name), or a choice type (value → valueQuantity).
    const prop = node.props.get(name) ?? node.props.get(`_${name}`) ?? [...node.props].find(([k]) => k.startsWith(name) && /[A-Z]/.test(k[name.length] ?? ''))?.[1];
    if (!prop) break;
    node = prop.value;
    line = prop.line;
    if (node.items) {
      const item = node.items[index ? Number(index) : 0];
      if (!item) break;
      node = item;
      line = item.line;
    }
  }
  return line;
}
