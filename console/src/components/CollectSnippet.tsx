import { useId, useState } from 'react';
import { curlSnippet, nodeSnippet } from '../collect-snippet';
import { CopyButton } from './CopyButton';

/** The collect call of a custom stream, ready to copy: curl, or Node.js in the shape of seed 003's snippet. */
export function CollectSnippet(props: { collectUrl: string; tokenUrl: string }) {
  const id = useId();
  const [lang, setLang] = useState<'curl' | 'node'>('curl');
  const text =
    lang === 'curl'
      ? curlSnippet({ collectUrl: props.collectUrl, tokenUrl: props.tokenUrl })
      : nodeSnippet({ collectUrl: props.collectUrl, tokenUrl: props.tokenUrl });
  return (
    <section className="snippet" aria-labelledby={`${id}-h`}>
      <div className="snippet-head">
        <h3 id={`${id}-h`}>Collect events</h3>
        <fieldset className="segmented">
          <legend className="visually-hidden">Snippet language</legend>
          {(['curl', 'node'] as const).map((l) => (
            <label key={l} className={lang === l ? 'on' : undefined}>
              <input
                type="radio"
                name={`${id}-lang`}
                value={l}
                checked={lang === l}
                onChange={() => setLang(l)}
              />
              {l === 'curl' ? 'curl' : 'Node.js'}
            </label>
          ))}
        </fieldset>
        <CopyButton text={text} label="Copy snippet" />
      </div>
      <p className="hint">
        Set <code>CLIENT_ID</code> and <code>CLIENT_SECRET</code> to your management app's client credentials
        (a token with <code>activities/read</code>). Schedule the call as often as you need; call again at
        once while <code>has_more</code> is true.
      </p>
      <figure className="snippet-code">
        <figcaption className="visually-hidden">
          Collect snippet, {lang === 'curl' ? 'curl' : 'Node.js'}
        </figcaption>
        <pre>
          <code>{text}</code>
        </pre>
      </figure>
    </section>
  );
}
