/**
 * The collect call of a custom stream, ready to run (seed 003's snippet, pointed at this service): a token
 * for the management app (OAuth 2.0 client credentials) and the collect POST on the stream's collect_url.
 * CLIENT_ID and CLIENT_SECRET come from the environment: the console never shows a client's secret.
 */

export interface SnippetInput {
  /** The stream's `collect_url` (the exact call: type, stream_id, batch_size). */
  collectUrl: string;
  /** The OAuth 2.0 token endpoint that issues client-credentials tokens (the console's own token URL). */
  tokenUrl: string;
}

/** A value in single quotes for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** curl: the token request, then the collect POST (needs curl and sed only). */
export function curlSnippet({ collectUrl, tokenUrl }: SnippetInput): string {
  return [
    '# A token for your management app (OAuth 2.0 client credentials).',
    "# Set CLIENT_ID and CLIENT_SECRET to the app's credentials first.",
    `TOKEN=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \\`,
    `  ${shellQuote(tokenUrl)} | sed -n 's/.*"access_token" *: *"\\([^"]*\\)".*/\\1/p')`,
    '',
    '# Collect the next batch; call again at once while "has_more" is true.',
    `curl -s -X POST ${shellQuote(collectUrl)} \\`,
    `  -H "Authorization: Bearer $TOKEN"`,
  ].join('\n');
}

/** The collect call's query, as the snippet spells it out (type, stream_id, batch_size). */
export function collectQuery(collectUrl: string): { endpoint: string; params: Array<[string, string]> } {
  const u = new URL(collectUrl);
  return { endpoint: `${u.origin}${u.pathname}`, params: [...u.searchParams.entries()] };
}

const COMMENTS: Record<string, string> = {
  type: 'Event source. One of cis, admin, risk, verify',
  stream_id: 'Unique stream ID',
  batch_size: 'The number of events to return in each batch',
};

/** Node.js 18+ (built-in fetch), in the shape of seed 003's snippet, with the token request before it. */
export function nodeSnippet({ collectUrl, tokenUrl }: SnippetInput): string {
  const { endpoint, params } = collectQuery(collectUrl);
  const js = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const query = params
    .map(([k, v], i) => {
      const comma = i < params.length - 1 ? ',' : '';
      const comment = COMMENTS[k] ? ` // ${COMMENTS[k]}` : '';
      return `    ${k}: ${js(v)}${comma}${comment}`;
    })
    .join('\n');
  return `// collect.mjs: CLIENT_ID=… CLIENT_SECRET=… node collect.mjs
async function token() {
  const basic = Buffer.from(\`\${process.env.CLIENT_ID}:\${process.env.CLIENT_SECRET}\`).toString('base64');
  const resp = await fetch(${js(tokenUrl)}, {
    method: 'POST',
    headers: {
      Authorization: \`Basic \${basic}\`,
      'Content-Type': 'application/x-www-form-urlencoded'
    },
    body: 'grant_type=client_credentials'
  });
  return (await resp.json()).access_token; // Management app's client access token
}

async function run() {
  const query = new URLSearchParams({
${query}
  }).toString();

  const resp = await fetch(
    \`${endpoint}?\${query}\`,
    {
      method: 'POST',
      headers: {
        Authorization: \`Bearer \${await token()}\`
      }
    }
  );

  const data = await resp.text();
  console.log(data);
}

run();
`;
}
