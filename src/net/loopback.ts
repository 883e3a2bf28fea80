// What counts as a loopback address, for the rules that keep the simulator and an
// unauthenticated gateway off the network. Pure.

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
