/**
 * OCSF output: each catalog type's OCSF class and activity, and the transform a stream with `format: ocsf`
 * applies to every event it collects or exports. The one entry module of this folder.
 */

export { OCSF_CLASSES, OCSF_VERSION, type OcsfClass, type OcsfClassKey } from './classes.js';
export { ocsfEventSchema } from './contract.js';
export { OCSF_MAPPINGS, type OcsfMapping, ocsfMapping } from './mapping.js';
export { toOcsf } from './transform.js';
