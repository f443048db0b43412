import type { ExportedReport } from '../../../main/contract/app-api.ts';

/**
 * Hands an exported report to the browser as a download (a Blob behind an `<a download>`): the
 * same in a browser tab and in Electron, which turns it into a save dialog.
 */
export function saveDownload(report: ExportedReport, doc: Document = document): void {
  const body = report.encoding === 'base64' ? Uint8Array.from(atob(report.content), (c) => c.charCodeAt(0)) : report.content;
  const url = URL.createObjectURL(new Blob([body], { type: report.mimeType }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = report.fileName;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has started by then; the URL only keeps the Blob alive.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
