/** Downloads from the page: a file made of text or a Blob, and a chart's PNG data URL as a Blob. */

/** Offers `data` as a file named `name` to the browser's downloads. */
export function download(name: string, type: string, data: string | Blob): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
