import type { DestinationKind, DestinationOf } from '../../functions/shared/destinations/registry.js';

/**
 * The stream form's destination settings, one entry per kind of the API's destination registry
 * (functions/shared/destinations/registry.ts). The registry's schemas are zod, which the console does not
 * bundle, so the form's labels and hints live here; its types tie them to the registry: every kind must
 * have an entry, every field of a kind's destination must be listed (and nothing else), and a field is
 * `required` exactly when the API requires it. A new kind or field fails `tsc -p console` until it is here.
 */

/** The fields of a destination other than its `kind`. */
type FieldsOf<D> = Exclude<keyof D, 'kind'> & string;
/** Whether the API requires a field of a destination (it is not optional in the destination type). */
type IsRequired<D, F extends keyof D> = Record<never, never> extends Pick<D, F> ? false : true;

export interface DestinationFieldSpec<R extends boolean = boolean> {
  label: string;
  required: R;
  /** Holds a Secrets Manager secret ARN (the API takes the ARN; the exporter reads the secret). */
  secret?: true;
  hint: string;
  placeholder?: string;
  inputType?: 'text' | 'url' | 'number';
  /** A choice among fixed values, offered as a select; the empty value leaves the API's default. */
  choices?: ReadonlyArray<{ value: string; label: string }>;
  /** How the API types the value (a string unless said otherwise). */
  value?: 'boolean' | 'integer';
}

const YES_NO = (dflt: string) => [
  { value: '', label: `Default (${dflt})` },
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

export interface DestinationForm<K extends DestinationKind> {
  kind: K;
  label: string;
  /** pull: collected with the collect API (Copy URL); push: delivered by the exporter. */
  mode: 'pull' | 'push';
  description: string;
  /** What the destination receives, batch by batch (the format is fixed per kind: see the report). */
  format: string;
  fields: { [F in FieldsOf<DestinationOf<K>>]-?: DestinationFieldSpec<IsRequired<DestinationOf<K>, F>> };
}

/** The stack's default secrets prefix (its `secretsPrefix` setting may name another; the API says which). */
export const SECRETS_PREFIX = 'activity-events/';
const ARN_PLACEHOLDER = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SECRETS_PREFIX}…`;
const PREFIX_HINT =
  "Optional object key prefix: letters, digits and ! - _ . * ' ( ) = /, no leading slash (e.g. activity/cis).";

export const DESTINATION_FORMS: { [K in DestinationKind]: DestinationForm<K> } = {
  custom: {
    kind: 'custom',
    label: 'Custom (API polling)',
    mode: 'pull',
    description:
      'Your SIEM or scheduler collects batches with the collect API (POST /activities/collect): use Copy URL and the snippet.',
    format: 'JSON: each collect call answers {"data": [events], "cursor", "has_more"}.',
    fields: {},
  },
  s3: {
    kind: 's3',
    label: 'Amazon S3',
    mode: 'push',
    description: "Pushed by the exporter as objects in the stack's export bucket or another allowed bucket.",
    format: 'gzip-compressed NDJSON: one object per batch, partitioned by source, date and hour.',
    fields: {
      bucket: {
        label: 'Bucket',
        required: false,
        hint: "Leave empty for the stack's export bucket; another bucket must be listed in the stack's exportBuckets.",
        placeholder: 'my-siem-archive',
      },
      prefix: { label: 'Key prefix', required: false, hint: PREFIX_HINT, placeholder: 'activity' },
    },
  },
  gcs: {
    kind: 'gcs',
    label: 'Google Cloud Storage',
    mode: 'push',
    description: "Pushed by the exporter through GCS's S3-interoperable XML API with an HMAC key.",
    format: 'gzip-compressed NDJSON: one object per batch, partitioned by source, date and hour.',
    fields: {
      bucket: {
        label: 'Bucket',
        required: true,
        hint: 'The GCS bucket: 3–63 lowercase letters, digits, dots and hyphens.',
        placeholder: 'my-gcs-bucket',
      },
      prefix: { label: 'Key prefix', required: false, hint: PREFIX_HINT, placeholder: 'activity' },
      hmac_secret_arn: {
        label: 'HMAC key secret ARN',
        required: true,
        secret: true,
        hint: `ARN of a Secrets Manager secret under the stack's secrets prefix (${SECRETS_PREFIX}… by default) holding {"access_key_id": "…", "secret_access_key": "…"}. Paste the ARN, never the key.`,
        placeholder: ARN_PLACEHOLDER,
      },
    },
  },
  splunk: {
    kind: 'splunk',
    label: 'Splunk HEC',
    mode: 'push',
    description: 'Pushed by the exporter to a Splunk HTTP Event Collector.',
    format:
      'HEC JSON events ({"time", "host", "source", "sourcetype", "index", "event"}), newline-separated.',
    fields: {
      url: {
        label: 'HEC URL',
        required: true,
        inputType: 'url',
        hint: 'https:// URL of the HTTP Event Collector, without credentials or query; never a private address.',
        placeholder: 'https://splunk.example.com:8088',
      },
      token_secret_arn: {
        label: 'HEC token secret ARN',
        required: true,
        secret: true,
        hint: `ARN of a Secrets Manager secret under the stack's secrets prefix (${SECRETS_PREFIX}… by default) holding the HEC token (the string, or {"token": "…"}). Paste the ARN, never the token.`,
        placeholder: ARN_PLACEHOLDER,
      },
      index: {
        label: 'Index',
        required: false,
        hint: "Optional: the Splunk index (else the HEC token's default).",
      },
      sourcetype: { label: 'Sourcetype', required: false, hint: 'Optional: default _json.' },
      source: { label: 'Source', required: false, hint: 'Optional: default activity-events:<event source>.' },
      ack: {
        label: 'Indexer acknowledgement',
        required: false,
        value: 'boolean',
        choices: YES_NO('no'),
        hint: 'Yes when the HEC token has indexer acknowledgement on: events count as delivered only once Splunk says they are indexed, so a slow HEC does not get them twice. Switched on by itself when HEC hands out acknowledgement ids.',
      },
      ack_timeout_seconds: {
        label: 'Acknowledgement timeout (seconds)',
        required: false,
        value: 'integer',
        inputType: 'number',
        hint: 'From 5 to 240; default 60. A request still unacknowledged after this is sent again.',
      },
      gzip: {
        label: 'Compress requests (gzip)',
        required: false,
        value: 'boolean',
        choices: YES_NO('yes'),
        hint: 'Request bodies gzip-compressed; HEC accepts them by default.',
      },
      ca_secret_arn: {
        label: 'CA bundle secret ARN',
        required: false,
        secret: true,
        hint: `Optional, for a HEC whose certificate a private authority issued: ARN of a secret under ${SECRETS_PREFIX}… holding the CA certificates as PEM.`,
        placeholder: ARN_PLACEHOLDER,
      },
    },
  },
  kafka: {
    kind: 'kafka',
    label: 'Apache Kafka / Amazon MSK',
    mode: 'push',
    description:
      'Pushed by the exporter to a Kafka topic (acks=all), each event keyed by its id. Amazon MSK needs the exporter in its VPC (stack setting).',
    format: 'One Kafka message per event: the event JSON as the value, its id as the key.',
    fields: {
      brokers: {
        label: 'Bootstrap brokers',
        required: true,
        hint: 'host:port of one or more brokers, comma-separated; never a private address unless the stack allows its range.',
        placeholder: 'b-1.mycluster.abc123.c2.kafka.eu-west-1.amazonaws.com:9096',
      },
      topic: {
        label: 'Topic',
        required: true,
        hint: 'An existing topic: letters, digits, dots, underscores and hyphens.',
        placeholder: 'identity-activity',
      },
      tls: {
        label: 'TLS',
        required: false,
        value: 'boolean',
        choices: YES_NO('yes, unless every broker is on loopback'),
        hint: 'TLS to the brokers; by default on, unless every broker is on loopback.',
      },
      ca_secret_arn: {
        label: 'CA bundle secret ARN',
        required: false,
        secret: true,
        hint: `Optional: a secret under the stack's secrets prefix holding the PEM CA bundle of a private CA. Public CAs (Amazon MSK) need none.`,
        placeholder: ARN_PLACEHOLDER,
      },
      sasl: {
        label: 'SASL mechanism',
        required: false,
        choices: [
          { value: '', label: 'None' },
          { value: 'scram-sha-512', label: 'SCRAM-SHA-512' },
          { value: 'scram-sha-256', label: 'SCRAM-SHA-256' },
          { value: 'plain', label: 'PLAIN (TLS only)' },
          { value: 'aws-iam', label: 'AWS IAM (Amazon MSK)' },
        ],
        hint: 'Optional: scram-sha-256, scram-sha-512, plain, or aws-iam (Amazon MSK IAM, signed with the exporter’s role).',
      },
      credentials_secret_arn: {
        label: 'SASL credentials secret ARN',
        required: false,
        secret: true,
        hint: `For scram-* and plain: a secret under the stack's secrets prefix (${SECRETS_PREFIX}… by default) holding {"username": "…", "password": "…"}.`,
        placeholder: ARN_PLACEHOLDER,
      },
    },
  },
};

/** The kinds in the order the form offers them (the registry's order). */
export const DESTINATION_KINDS = Object.keys(DESTINATION_FORMS) as DestinationKind[];

export interface FieldView {
  name: string;
  spec: DestinationFieldSpec;
}

/** A kind's fields, in form order. */
export function destinationFields(kind: DestinationKind): FieldView[] {
  const form = DESTINATION_FORMS[kind] as DestinationForm<DestinationKind>;
  return Object.entries(form.fields as Record<string, DestinationFieldSpec>).map(([name, spec]) => ({
    name,
    spec,
  }));
}

/** A destination field's value as the stream page shows it (a list comma-separated); undefined when unset. */
export function destinationValue(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length > 0 ? v.map(String).join(', ') : undefined;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The `destination` of a request: `{kind, …fields}` with the fields filled in (trimmed; empty ones left out),
 * typed as the API takes them (a number that is not one is sent as typed, for the API to say what is wrong).
 */
export function destinationBody(
  kind: DestinationKind,
  values: Readonly<Record<string, string | undefined>>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = { kind };
  for (const { name, spec } of destinationFields(kind)) {
    const v = values[name]?.trim();
    if (!v) continue;
    if (spec.value === 'boolean') out[name] = v === 'true';
    else if (spec.value === 'integer' && /^-?\d+$/.test(v)) out[name] = Number(v);
    else out[name] = v;
  }
  return out;
}
