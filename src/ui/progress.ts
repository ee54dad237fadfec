/**
 * Progress for long writes: a bar at the bottom of a terminal (stderr), kept there by the
 * Output's live line so that result lines, warnings and a Ctrl-C notice pass above it; then
 * one summary line, also the only line off a terminal, so logs of scheduled runs stay readable.
 */
import { count, duration, plural, rate } from '../core/words.js';
import type { LiveLine } from './live-line.js';
import type { Output } from './output.js';

export interface Progress {
  update(done: number, failed: number): void;
  stop(): void;
}

const BAR_THRESHOLD = 20;
/** Redraws at most this often: a thousand settled writes a second need not be a thousand frames. */
const FRAME_MS = 100;

export function startProgress(out: Output, total: number, label: string): Progress {
  if (total < BAR_THRESHOLD) return { update() {}, stop() {} };
  const started = Date.now();
  // Only writes that settled were sent: after Ctrl-C or a lost DC the rest never left.
  let settled = 0;
  let failedSoFar = 0;
  let drawnAt = 0;
  const live = out.streams.stderr.isTTY ? out.startLive() : undefined;
  const draw = () => {
    drawnAt = Date.now();
    live?.set(barLine(label, settled, total, failedSoFar, (drawnAt - started) / 1000, live.width));
  };
  draw();
  return {
    update(done, failed) {
      settled = done;
      failedSoFar = failed;
      if (done === total || Date.now() - drawnAt >= FRAME_MS) draw();
    },
    stop() {
      live?.end();
      out.info(summaryLine(label, settled, total, (Date.now() - started) / 1000));
    },
  };
}

/** `enable: 2,811 writes sent in 41 s (69 a second); 12 not sent.` */
export function summaryLine(label: string, settled: number, total: number, seconds: number): string {
  const speed = rate(settled, seconds);
  const notSent = total - settled;
  return `${label}: ${plural(settled, 'write')} sent in ${duration(seconds)}${speed ? ` (${speed})` : ''}${notSent > 0 ? `; ${count(notSent)} not sent` : ''}.`;
}

/**
 * `enable [██████░░░░░░] 1,200/2,811 · 43% · 69 a second · 23 s left · 3 failed`, fitted to
 * `width`: the bar takes what the figures leave, and the least needed figures go first.
 */
export function barLine(
  label: string,
  done: number,
  total: number,
  failed: number,
  seconds: number,
  width: number,
): string {
  const speed = rate(done, seconds);
  const left = speed && done < total ? `${duration(((total - done) * seconds) / done)} left` : undefined;
  const figures = [
    `${count(done)}/${count(total)}`,
    `${Math.floor((done / total) * 100)}%`,
    failed > 0 ? `${count(failed)} failed` : undefined,
    left,
    speed,
  ].filter((part): part is string => part !== undefined);
  const MIN_BAR = 10;
  // Drop figures from the end (speed, then time left) until a bar of MIN_BAR fits beside them.
  while (figures.length > 1 && `${label} [] ${figures.join(' · ')}`.length + MIN_BAR > width) figures.pop();
  const text = figures.join(' · ');
  const barWidth = width - label.length - text.length - 4;
  if (barWidth < MIN_BAR) return `${label} ${text}`.slice(0, width);
  const filled = Math.round((done / total) * barWidth);
  return `${label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${text}`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * `text` while `work` runs (a long read: every homed user before a plan). On a terminal (stderr)
 * a spinner with the seconds so far, on the live line (warnings pass above it), erased when the
 * work ends; nothing otherwise (a script's stderr stays for what went wrong). Resolves or rejects
 * as `work` does.
 */
export async function withSpinner<T>(out: Output, text: string, work: Promise<T>): Promise<T> {
  if (!out.streams.stderr.isTTY) return work;
  const live: LiveLine = out.startLive();
  const started = Date.now();
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    live.set(
      `${out.errColor.cyan(SPINNER[frame++ % SPINNER.length]!)} ${text}…${seconds > 0 ? out.errColor.dim(` ${seconds} s`) : ''}`,
    );
  };
  draw();
  const timer = setInterval(draw, 100);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    live.end();
  }
}
