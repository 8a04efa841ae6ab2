import {useEffect, useState} from 'react';
import {SPINNER_INTERVAL_MS} from '../theme.js';

/** A frame counter that advances while isActive (spinner and elapsed time); stops, and costs nothing, otherwise. */
export function useTick(isActive: boolean, intervalMs = SPINNER_INTERVAL_MS): number {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!isActive) return;
    const timer = setInterval(() => setFrame((f) => f + 1), intervalMs);
    return () => clearInterval(timer);
  }, [isActive, intervalMs]);
  return frame;
}
