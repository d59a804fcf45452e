export interface Style {
  readonly color: boolean;
}

const CODES = { green: 32, yellow: 33, red: 31, magenta: 35, dim: 2, bold: 1 } as const;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return { color: Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb' };
}

export function paint(style: Style, color: keyof typeof CODES, text: string): string {
  return style.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}
