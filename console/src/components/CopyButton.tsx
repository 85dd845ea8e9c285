import { useState } from 'react';

/** Copies text to the clipboard and says so (to screen readers too). */
export function CopyButton({
  text,
  label = 'Copy',
  className,
}: {
  text: string;
  label?: string;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" className={className ?? 'button-secondary'} onClick={copy}>
      {label}
      <span className="copy-status" aria-live="polite">
        {state === 'copied' ? ' ✓ Copied' : state === 'failed' ? ' (select and copy by hand)' : ''}
      </span>
    </button>
  );
}
