// A pause for the gateway's shutdown bounds: resolves after `ms` unless cancelled first, and
// never keeps the process alive on its own (the timer is unref'd).
export function cancellableSleep(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
