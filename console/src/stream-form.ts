import type { DestinationKind } from '../../functions/shared/destinations/registry.js';
import type { Source } from '../../functions/shared/model/sources.js';
import { destinationBody, destinationFields } from './destinations.js';

/** What the "+ Add stream" form holds, as typed (the API validates; see streamRequestBody). */
export interface StreamFormValues {
  name: string;
  type: Source;
  kind: DestinationKind;
  /** The destination's fields, by name (only the chosen kind's are sent). */
  destination: Record<string, string>;
  /** As typed: sent as a number when it is one, so the API's message is the one shown. */
  batchSize: string;
  enrichment: boolean;
  /** `native`: events as stored; `ocsf`: each as an OCSF 1.x event of its class. */
  format: 'native' | 'ocsf';
  /** `all`: no filter (event_types omitted); `some`: only `types`. */
  eventTypes: 'all' | 'some';
  types: string[];
  /** `time`: events received from `startTime` (ISO) on. */
  startFrom: 'now' | 'earliest' | 'time';
  startTime: string;
}

export const DEFAULT_BATCH_SIZE = 100;

export function emptyStreamForm(): StreamFormValues {
  return {
    name: '',
    type: 'cis',
    kind: 'custom',
    destination: {},
    batchSize: String(DEFAULT_BATCH_SIZE),
    enrichment: false,
    format: 'native',
    eventTypes: 'all',
    types: [],
    startFrom: 'now',
    startTime: '',
  };
}

/** The POST /streams body of the form: everything as typed, so the API is the judge of every value. */
export function streamRequestBody(v: StreamFormValues): Record<string, unknown> {
  const batch = v.batchSize.trim();
  const asNumber = Number(batch);
  return {
    name: v.name,
    type: v.type,
    destination: destinationBody(v.kind, v.destination),
    ...(batch === '' ? {} : { batch_size: Number.isFinite(asNumber) ? asNumber : batch }),
    enrichment: v.enrichment,
    format: v.format,
    ...(v.eventTypes === 'some' ? { event_types: v.types } : {}),
    start_from: v.startFrom === 'time' ? v.startTime : v.startFrom,
  };
}

/**
 * The form's fields in the order they appear (the first invalid one gets the focus). Destination fields are
 * `destination.<name>` as the API names them.
 */
export function formFieldOrder(kind: DestinationKind): string[] {
  return [
    'name',
    'type',
    'destination.kind',
    ...destinationFields(kind).map((f) => `destination.${f.name}`),
    'batch_size',
    'enrichment',
    'format',
    'event_types',
    'start_from',
  ];
}

/**
 * The form field an API error path names: `destination.url` → the URL field, `event_types[3]` → the event
 * types, `destination.brokers[1]` → the brokers field, `destination` (the kind itself) → the kind; undefined
 * for a path the form has no field for.
 */
export function formFieldOf(path: string, kind: DestinationKind): string | undefined {
  const fields = formFieldOrder(kind);
  if (fields.includes(path)) return path;
  if (path === 'destination') return 'destination.kind';
  const base = path.replace(/\[\d+\]$/, '');
  if (base === 'event_types') return 'event_types';
  // An item of a list the form takes as one field (a Kafka stream's brokers): that field.
  if (base !== path && fields.includes(base)) return base;
  // A field the chosen kind's form does not show: the destination as a whole (its kind) is what is wrong.
  if (path.startsWith('destination.')) return 'destination.kind';
  return undefined;
}

export interface PlacedErrors {
  /** Messages by form field (joined when several name one field). */
  byField: Record<string, string>;
  /** Problems naming nothing the form shows (shown above the form). */
  other: Array<{ path: string; message: string }>;
  /** The first invalid field, in form order: it receives the focus. */
  first: string | undefined;
}

/** Place the API's validation details beside the fields they name. */
export function placeErrors(
  details: ReadonlyArray<{ path: string; message: string }>,
  kind: DestinationKind,
): PlacedErrors {
  const byField: Record<string, string> = {};
  const other: PlacedErrors['other'] = [];
  for (const d of details) {
    const field = formFieldOf(d.path, kind);
    if (!field) {
      other.push(d);
      continue;
    }
    // An item of a list names which one: keep that in the message.
    const item = field === 'event_types' && d.path !== 'event_types' ? `${d.path}: ` : '';
    const msg = `${item}${d.message}`;
    byField[field] = byField[field] ? `${byField[field]}; ${msg}` : msg;
  }
  const first = formFieldOrder(kind).find((f) => f in byField);
  return { byField, other, first };
}
