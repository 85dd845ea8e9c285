import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal dialog on the native <dialog> (showModal): the rest of the page is inert, Escape closes it,
 * focus moves into it (to `initialFocus`, or its first field) and back to what had it when it closes.
 * Its heading names it for assistive technology.
 */
export function Modal(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** A selector inside the dialog for the element to focus first. */
  initialFocus?: string;
  className?: string;
  /** `alertdialog` for a confirmation. */
  role?: 'dialog' | 'alertdialog';
  describedBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const { open, initialFocus } = props;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
      const target = initialFocus ? d.querySelector<HTMLElement>(initialFocus) : null;
      target?.focus();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open, initialFocus]);
  // Focus goes back to the opener when the dialog closes (or is removed while open).
  useEffect(() => {
    if (open) return;
    const back = opener.current;
    opener.current = null;
    if (back instanceof HTMLElement && back.isConnected) back.focus();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={props.className}
      role={props.role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      aria-describedby={props.describedBy}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClose={() => {
        if (open) props.onClose();
      }}
    >
      {open && (
        <>
          <div className="dialog-header">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" className="button-icon" aria-label="Close" onClick={props.onClose}>
              ×
            </button>
          </div>
          {props.children}
        </>
      )}
    </dialog>
  );
}
