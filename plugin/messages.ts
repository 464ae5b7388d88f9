/**
 * What the plugin tells a user about oracle keys and deployments, in one place: each function
 * returns one message, worded "<what is wrong>. <what to do>". No message takes a key seed, so
 * none can print one.
 */
import { LOCAL_DEV_CHAIN_IDS, SUGGESTED_KEY_SEED_VARIABLE } from "./constants.js";

const quoted = (text: string) => JSON.stringify(text);
const localChainList = LOCAL_DEV_CHAIN_IDS.join(", ");

/** A chain a message speaks of. */
export interface ChainNames {
  readonly networkName: string;
  readonly chainId: bigint;
}

// ---------------------------------------------------------------------------------------------
// Key seeds

/** A feed on a chain that is not a local dev chain, with no `keySeed` configured (API and tasks). */
export function noSecretKeySeed(feedName: string, chain: ChainNames): string {
  const variable = SUGGESTED_KEY_SEED_VARIABLE;
  return (
    `Feed ${quoted(feedName)} has no secret key seed for chain ${chain.chainId} (network ${quoted(chain.networkName)}): ` +
    `oracle keys are only derived from the plain \`seed\` on the simulated network and local dev chains (${localChainList}). ` +
    `Add keySeed: configVariable(${quoted(variable)}) to ocr.feeds[${quoted(feedName)}] and set ${variable} ` +
    `(environment variable, or \`npx hardhat keystore set ${variable}\` with hardhat-keystore)`
  );
}

/** A deployment recorded with keys from a keySeed variable, whose feed no longer configures one. */
export function keySeedNoLongerConfigured(feedName: string, networkName: string): string {
  return (
    `Feed ${quoted(feedName)} was deployed on network ${quoted(networkName)} with keys from its keySeed configuration variable, but the config has no keySeed for it now. ` +
    `Restore ocr.feeds[${quoted(feedName)}].keySeed = configVariable(...) as it was at deployment`
  );
}

/** The keySeed variable could not be read; `reason` is the first line of the resolver's error. */
export function keySeedUnreadable(feedName: string, reason: string): string {
  return `Cannot read the keySeed of feed ${quoted(feedName)}: ${reason}. Set the configuration variable (environment variable or keystore) and try again`;
}

export function keySeedEmpty(feedName: string): string {
  return `The keySeed of feed ${quoted(feedName)} is empty. Set it to a long random secret`;
}

/** keys.json holds no seed for a recorded local deployment. */
export function keysNotInKeysFile(feedName: string, networkName: string, keysFile: string, deployCommand: string): string {
  return (
    `The oracle keys of feed ${quoted(feedName)} on network ${quoted(networkName)} are not in ${keysFile}. ` +
    `Run \`${deployCommand}\` to deploy the feed again with keys this project holds`
  );
}

export function keysFileUnusable(keysFile: string, problem: string): string {
  return (
    `${keysFile} ${problem}, so the oracle keys of the feeds on this network cannot be read. ` +
    `Restore it from a backup if you have one; otherwise move it aside (nothing is deleted for you) and deploy the feeds again with ocr:deploy --force`
  );
}

/** The recorded signers are not the ones the key seed gives (checked before attaching). */
export function keysDoNotMatchRecord(
  keySource: "config-variable" | { readonly keysFile: string },
  feedName: string,
  networkName: string,
  oracle: { readonly index: number; readonly signer: string },
  deployCommand: string,
): string {
  const source = keySource === "config-variable" ? "the keySeed configuration variable" : `the seed in ${keySource.keysFile}`;
  return (
    `The oracle keys from ${source} do not match the deployment of feed ${quoted(feedName)} on network ${quoted(networkName)} ` +
    `(oracle ${oracle.index} should sign as ${oracle.signer}). Use the secret the feed was deployed with, or run \`${deployCommand}\``
  );
}

/** The aggregator's signers are not the ones the key seed gives (attaching through the API). */
export function keysDoNotMatchAggregator(aggregator: string, oracle: number, onChainSigner: string, derivedSigner: string): string {
  return (
    `Oracle ${oracle} of the aggregator ${aggregator} signs as ${onChainSigner}, but the configured key seed gives ${derivedSigner} (the seed itself is not shown: it is the oracles' private key material). ` +
    `Attach with the seed the feed was deployed with (feed option \`seed\`, or its keySeed variable).`
  );
}

// ---------------------------------------------------------------------------------------------
// Deployment records

export function alreadyDeployed(feedName: string, networkName: string, proxy: string, deployedAt: string): string {
  return (
    `Feed ${quoted(feedName)} is already deployed on network ${quoted(networkName)} (proxy ${proxy}, deployed ${deployedAt}); consumers may read it. ` +
    `Use it with \`npx hardhat ocr:run-round${networkName === "default" ? "" : ` --network ${networkName}`}\`, or pass --force to deploy a new one (the old addresses stay in the record, under "previous")`
  );
}

export function notDeployed(feedName: string, chain: ChainNames, recordFile: string, deployCommand: string): string {
  return (
    `Feed ${quoted(feedName)} has no deployment on network ${quoted(chain.networkName)} (chain ${chain.chainId}); looked for ${recordFile}. ` +
    `Run \`${deployCommand}\` first`
  );
}

/** `problem` is a DeploymentRecordError's message: the file, then what is wrong with it. */
export function recordUnusable(problem: string, deployCommand: string): string {
  return `The deployment record ${problem}. Move it aside (nothing is deleted for you) and run \`${deployCommand}\``;
}

export function recordNotWritten(problem: string): string {
  return `Cannot write the deployment record: ${problem}. Move that file aside or use another deploymentsDir`;
}

export function recordedContractGone(feedName: string, networkName: string, what: string, address: string, deployCommand: string): string {
  return (
    `The recorded deployment of feed ${quoted(feedName)} on network ${quoted(networkName)} is gone: no ${what} contract at ${address} ` +
    `(a restarted dev node starts from an empty chain). Run \`${deployCommand}\` to deploy it again`
  );
}

export function recordStale(feedName: string, networkName: string, aggregator: string, onChainDigest: string, recordedDigest: string, deployCommand: string): string {
  return (
    `The deployment record of feed ${quoted(feedName)} on network ${quoted(networkName)} is stale: the aggregator at ${aggregator} has config digest ${onChainDigest}, not the recorded ${recordedDigest}, ` +
    `so these addresses now hold another deployment (a restarted dev node reuses addresses). Run \`${deployCommand} --force\` to deploy this feed again (the stale addresses stay in the record under "previous")`
  );
}

export function recordLostDuringUpgrade(feedName: string, newAggregator: string): string {
  return `The record of feed ${quoted(feedName)} disappeared during the upgrade; the new aggregator is ${newAggregator}`;
}

/** A notice (not an error): the record followed the proxy to an aggregator it did not know. */
export function recordFollowedUpgrade(feedName: string, aggregator: string, since: string, recordFile: string, previousAggregator: string): string {
  return (
    `The proxy of feed ${quoted(feedName)} now reads aggregator ${aggregator} (upgraded since ${since}); ` +
    `${recordFile} follows it and keeps ${previousAggregator} under "previous".`
  );
}

/** `problem` is a DeploymentRecordError's message about a sequencer uptime feed record. */
export function sequencerRecordUnusable(problem: string): string {
  return `The sequencer uptime feed record ${problem}. Move it aside (nothing is deleted for you) and run the command again to deploy a new feed`;
}

/** A feed asked of the in-process network, whose chain ends with each command. */
export function notDeployedInProcess(feedName: string, networkName: string): string {
  return (
    `Feed ${quoted(feedName)} is not deployed on the in-process network ${quoted(networkName)}, whose chain lasts only as long as one command. ` +
    `Start a node (\`npx hardhat node\`), deploy with \`npx hardhat ocr:deploy --network localhost\` and pass --network localhost to later commands`
  );
}

/** runRound's requestNewRound, sent as the feed's deployer, reverted. */
export function roundRequestRefused(feedName: string, aggregator: string, requester: string, reason: string): string {
  return (
    `Feed ${quoted(feedName)} could not request a round: requestNewRound on aggregator ${aggregator} from ${requester} reverted (${reason}). ` +
    `runRound asks for each round as the feed's owner; if the aggregator has a new owner, have it allow ${requester} with ` +
    `setRequesterAccessController, or run rounds without a request (runRound({ request: false }) reports on deviation and heartbeat only)`
  );
}

/** A deployment or attachment whose committee produced no report (`reason` says why). */
export function noReportLanded(what: string, reason: string): string {
  return `${what}: no report landed (${reason}). Check that at most f oracles are down and the data sources answer, then try again`;
}

// ---------------------------------------------------------------------------------------------
// Oracles as processes (ocr:oracle, ocr:committee)

/** `ocr:oracle` on the simulated network, which lives and dies inside one process. */
export function oracleProcessNeedsNode(networkName: string): string {
  return (
    `Network ${quoted(networkName)} is simulated inside this one process, so oracles in other processes cannot reach its chain. ` +
    "Start a node (`npx hardhat node`), deploy the feed there (`npx hardhat ocr:deploy --network localhost`), and pass --network localhost"
  );
}

export function oracleStateOfOtherProtocol(stateFile: string, stored: string, current: string): string {
  return (
    `The oracle state file ${stateFile} holds an ${stored.toUpperCase()} config, but the feed's aggregator now runs ${current.toUpperCase()} (the feed was redeployed). ` +
    "Give another --state-dir, or delete that file to start this oracle afresh"
  );
}

export function oracleIndexInvalid(feedName: string, given: string, n: number): string {
  return `--index ${quoted(given)} is not an oracle of feed ${quoted(feedName)}, which has ${n} oracles. Pass --index with a number from 0 to ${n - 1}`;
}

/** The aggregator's config lists another P2P identity than this key seed gives. */
export function peerIdNotInConfig(feedName: string, index: number, configured: string, own: string, deployCommand: string): string {
  return (
    `The on-chain config of feed ${quoted(feedName)} lists peer id ${configured} for oracle ${index}, but its keys give ${own}: ` +
    "the config was set with other keys, or by a hardhat-ocr that listed the off-chain signing key's id instead of a P2P identity. " +
    `Redeploy the feed (\`${deployCommand} --force\`) so its config lists the oracles' P2P identities`
  );
}

export function noOnchainConfig(feedName: string, aggregator: string): string {
  return `The aggregator ${aggregator} of feed ${quoted(feedName)} has no config yet, so no committee to join. Deploy the feed with \`npx hardhat ocr:deploy\`, which sets its config`;
}

/** `text` is neither HOST:PORT nor a multiaddr. */
export function p2pAddressInvalid(option: string, text: string, reason: string): string {
  return `${option} ${quoted(text)} is not an address to ${option === "--listen" ? "listen on" : "reach an oracle at"} (${reason}). Give HOST:PORT (e.g. 127.0.0.1:6690) or a multiaddr (/ip4/127.0.0.1/tcp/6690)`;
}

export function peersListLength(given: number, n: number): string {
  return `--peers lists ${given} address${given === 1 ? "" : "es"}, but the committee has ${n} oracles. List one HOST:PORT per oracle, oracle 0 first, comma-separated (this oracle's own entry is not dialled)`;
}

/** The state file cannot be used; `reason` is the store's own explanation (it names the file). */
export function oracleStateUnusable(reason: string): string {
  return `${reason}. Stop the other process that runs this oracle, or give another --state-dir`;
}

export function p2pListenFailed(address: string, reason: string): string {
  return `Cannot listen on ${address}: ${reason}. Another program (or another oracle) may hold the port; pass --listen with a free HOST:PORT, or set the feed's p2pBasePort`;
}
