// FHIR XML format: the public entry points.
export { toXml, type ToXmlOptions } from './writer.js';
export { fromXml } from './reader.js';
export { FHIR_NS, XHTML_NS } from './escape.js';
