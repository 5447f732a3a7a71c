import type { ConnectionOptions } from "@temporalio/client";

/**
 * gRPC backs off between reconnects up to two minutes by default, so a client that lost Temporal for a minute could
 * wait another minute after it is back. Retrying at most every two seconds brings every client of ours back within
 * moments of the server, at the cost of a few cheap connection attempts while it is away.
 */
export const RECONNECTING_CHANNEL: NonNullable<ConnectionOptions["channelArgs"]> = {
  "grpc.initial_reconnect_backoff_ms": 500,
  "grpc.max_reconnect_backoff_ms": 2000,
};
