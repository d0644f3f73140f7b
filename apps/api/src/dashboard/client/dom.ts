/** The page's element with this id. */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Shows a message above the charts, or hides it. */
export function showMessage(text: string | undefined): void {
  const p = $<HTMLParagraphElement>('message');
  p.hidden = text === undefined;
  p.textContent = text ?? '';
}
