import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { XlirError } from '../engine/errors.ts';

/** Where a Chromium or Chrome usually is; CHROME_PATH first. */
function chromiumCandidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const fromEnv = env.CHROME_PATH ? [env.CHROME_PATH] : [];
  if (platform === 'darwin') return [...fromEnv, '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => Boolean(r));
    return [...fromEnv, ...roots.flatMap((r) => [path.win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'), path.win32.join(r, 'Chromium', 'Application', 'chrome.exe')])];
  }
  return [...fromEnv, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
}

export function findChromium(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  return chromiumCandidates(env, platform).find((p) => existsSync(p));
}

/**
 * Prints the HTML report to PDF with a headless Chromium, where one is installed: the report has
 * print styles, and Chromium loads nothing else (the report's CSP forbids it, and networking is off).
 */
export async function printReportToPdf(htmlReport: string, outFile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const chromium = findChromium(env);
  if (!chromium) throw new XlirError('PDF_UNAVAILABLE', 'PDF needs Chromium or Chrome, and none was found (set CHROME_PATH to its executable). Export --format html and print it from a browser instead.');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xlir-pdf-'));
  try {
    const htmlFile = path.join(dir, 'report.html');
    await writeFile(htmlFile, htmlReport);
    const args = [
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${path.resolve(outFile)}`,
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), // Chromium refuses to run as root with its sandbox
      pathToFileURL(htmlFile).href,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(chromium, args, { timeout: 120_000 }, (err, _stdout, stderr) => (err ? reject(new XlirError('PDF_FAILED', `${chromium} could not print the report: ${(stderr || err.message).trim().split('\n').slice(-3).join(' ')}`)) : resolve()));
    });
    if (!existsSync(outFile)) throw new XlirError('PDF_FAILED', `${chromium} ran but wrote no ${outFile}.`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
