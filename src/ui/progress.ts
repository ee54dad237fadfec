/**
 * Progress for long writes: a bar on a terminal (stderr), a plain summary line otherwise, so logs
 * of scheduled runs stay readable. cli-progress prints nothing when stderr is not a TTY.
 */
import type { Output } from './output.js';

export interface Progress {
  update(done: number, failed: number): void;
  stop(): void;
}

const BAR_THRESHOLD = 20;

export function startProgress(out: Output, total: number, label: string): Progress {
  const started = Date.now();
  const stderr = out.streams.stderr;
  if (!stderr.isTTY || total < BAR_THRESHOLD) {
    // Only writes that settled were sent: after Ctrl-C or a lost DC the rest never left.
    let settled = 0;
    return {
      update(done) {
        settled = done;
      },
      stop() {
        if (total >= BAR_THRESHOLD) {
          const seconds = (Date.now() - started) / 1000;
          const notSent = total - settled;
          out.info(
            `${label}: ${settled} write(s) in ${seconds.toFixed(1)} s (${Math.round(settled / Math.max(seconds, 0.001))}/s)${notSent > 0 ? `; ${notSent} not sent` : ''}.`,
          );
        }
      },
    };
  }
  // Loaded only when a bar is drawn, so short commands never pay for it.
  let bar: import('cli-progress').SingleBar | undefined;
  let pending: { done: number; failed: number } | undefined;
  // A bar that cannot be loaded is not drawn (the run goes on); never an unhandled rejection.
  import('cli-progress')
    .then(({ default: cliProgress }) => {
      bar = new cliProgress.SingleBar(
        {
          stream: stderr as NodeJS.WriteStream,
          format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | failed {failed}`,
          hideCursor: true,
          etaBuffer: 200,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, pending?.done ?? 0, { failed: pending?.failed ?? 0, rate: 0 });
    })
    .catch(() => undefined);
  return {
    update(done, failed) {
      pending = { done, failed };
      const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
      bar?.update(done, { failed, rate });
    },
    stop() {
      bar?.stop();
    },
  };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * `text` while `work` runs (a long read: every homed user before a plan). On a terminal (stderr)
 * a spinner with the seconds so far, erased when the work ends; nothing otherwise (a script's
 * stderr stays for what went wrong). Resolves or rejects as `work` does.
 */
export async function withSpinner<T>(out: Output, text: string, work: Promise<T>): Promise<T> {
  const stderr = out.streams.stderr;
  if (!stderr.isTTY) return work;
  const started = Date.now();
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    stderr.write(
      `\r\x1b[2K${out.errColor.cyan(SPINNER[frame++ % SPINNER.length]!)} ${text}…${seconds > 0 ? out.errColor.dim(` ${seconds} s`) : ''}`,
    );
  };
  draw();
  const timer = setInterval(draw, 100);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    stderr.write('\r\x1b[2K');
  }
}
