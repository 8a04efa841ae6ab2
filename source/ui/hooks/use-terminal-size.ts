import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** Columns and rows of the terminal, updated on resize; an override wins (tests), fallbacks for streams that do not say. */
export function useTerminalSize(override?: Partial<TerminalSize>): TerminalSize {
  const {stdout} = useStdout();
  const [size, setSize] = useState<TerminalSize>(() => ({columns: stdout.columns || 100, rows: stdout.rows || 40}));
  useEffect(() => {
    const onResize = () => setSize({columns: stdout.columns || 100, rows: stdout.rows || 40});
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return {columns: override?.columns ?? size.columns, rows: override?.rows ?? size.rows};
}
