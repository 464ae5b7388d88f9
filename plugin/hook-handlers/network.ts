import type { HookContext, NetworkHooks } from "hardhat/types/hooks";
import type { ChainType, NetworkConnection } from "hardhat/types/network";

/**
 * Adds `connection.ocr` to every new network connection, and stops its feeds' committees when
 * the connection closes. hardhat-ethers is a dependency of this plugin, so its handler runs
 * first and `connection.ethers` exists once `next` returns.
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
