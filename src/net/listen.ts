// Starts a Node server listening and says where: the bound address, port and an http:// URL
// (IPv6 addresses in brackets). Rejects with the listen error (EADDRINUSE, EACCES...).
import type { AddressInfo, Server } from "node:net";

export interface Listening {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

export async function listen(server: Server, port: number, host: string): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { host: address.address, port: address.port, url: `http://${urlHost}:${address.port}` };
}
