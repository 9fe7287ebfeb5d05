import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs`, for "2m ago" and "in 3m". */
export function useNow(everyMs = 10_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
