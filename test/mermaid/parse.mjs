// Parses the Mermaid diagram on standard input with Mermaid's own parser, as GitHub renders it: exit 0 and the
// diagram type on success, exit 1 with the parse error. Mermaid imports DOMPurify, which needs a DOM: jsdom's.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

const text = readFileSync(0, 'utf8');
try {
  const parsed = await mermaid.parse(text);
  console.log(parsed.diagramType);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
