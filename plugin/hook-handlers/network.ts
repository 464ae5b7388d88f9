import type { HookContext, NetworkHooks } from "hardhat/types/hooks";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { chainEditsOf, isChainEdit } from "../chain/chain-edits.js";

/**
 * Adds `connection.ocr` to every new network connection, and stops its feeds' committees when
 * the connection closes. hardhat-ethers is a dependency of this plugin, so its handler runs
 * first and `connection.ethers` exists once `next` returns. Notes the requests that edit the
 * chain without a transaction, so a feed does not carry reads over them (chain/chain-edits.ts).
 */
export default async (): Promise<Partial<NetworkHooks>> => ({
  async newConnection<ChainTypeT extends ChainType | string>(
    context: HookContext,
    next: (nextContext: HookContext) => Promise<NetworkConnection<ChainTypeT>>,
  ): Promise<NetworkConnection<ChainTypeT>> {
    const connection = await next(context);
    // Imported here so a Hardhat run that never opens a connection never loads ethers or noble.
    const { createOcrApi } = await import("../api.js");
    connection.ocr = createOcrApi(connection, context.config.ocr, context.artifacts);
    return connection;
  },

  onRequest<ChainTypeT extends ChainType | string>(
    context: HookContext,
    connection: NetworkConnection<ChainTypeT>,
    request: JsonRpcRequest,
    next: (nextContext: HookContext, nextConnection: NetworkConnection<ChainTypeT>, nextRequest: JsonRpcRequest) => Promise<JsonRpcResponse>,
  ): Promise<JsonRpcResponse> {
    // Every request of every connection passes here: all others go straight on, without a
    // promise of their own (about 3 µs a request with one).
    if (!isChainEdit(request.method) || connection.networkConfig.type !== "edr-simulated") return next(context, connection, request);
    return next(context, connection, request).then((response) => {
      // Also when the node refused it: a read again costs little, a stale read is wrong.
      chainEditsOf(connection).noteRequest(request.method, request.params);
      return response;
    });
  },

  async closeConnection<ChainTypeT extends ChainType | string>(
    context: HookContext,
    connection: NetworkConnection<ChainTypeT>,
    next: (nextContext: HookContext, nextConnection: NetworkConnection<ChainTypeT>) => Promise<void>,
  ): Promise<void> {
    if (connection.ocr !== undefined) {
      const { stopAllFeeds } = await import("../api.js");
      stopAllFeeds(connection.ocr);
    }
    return next(context, connection);
  },
});
