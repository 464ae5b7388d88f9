/**
 * Ignition modules for the contract set of one OCR1 feed:
 *
 *   LinkToken ─ funds ─▶ OffchainAggregator ◀─ reads ─ AggregatorProxy ◀─ consumers
 *                          │  billing / requester access: SimpleWriteAccessController
 *                          └─ payees set per transmitter
 *
 * `OcrFeed` (the default export) deploys the open variant; `AccessControlledOcrFeed` deploys
 * AccessControlledOffchainAggregator + EACAggregatorProxy with a read allowlist, and lists the
 * proxy on the aggregator's own allowlist so the proxy can read it.
 *
 * What this module does NOT do: `setConfig`. Configuring the aggregator needs every oracle's
 * signing, off-chain and encryption keys (the encoded config carries the shared secret encrypted to
 * each oracle), and those keys belong to the committee, not in a deployment file. The plugin does
 * it: `npx hardhat ocr:deploy` / `connection.ocr.deployFeed()` deploy and configure in one go; for
 * contracts deployed with this module, send setConfig with the plugin's encoder
 * (`encodeSetConfigArgs` from plugin/core, keys from `deriveOracleKeys(seed, i)`) and then
 * `connection.ocr.attachFeed(name, addresses)` adopts that config and runs the committee
 * (test/examples/ignition.test.ts shows the whole hand-off).
 *
 * CLI: `npx hardhat ignition deploy deploy/modules/OcrFeed.ts --parameters params.json`, where
 * params.json is e.g. `{ "OcrFeed": { "description": "BTC / USD", "transmitters": [...], "payees": [...] } }`.
 * Defaults match the plugin's defaults (8 decimals, Chainlink's integration-test billing, 1000 LINK).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { DEFAULT_BILLING } from "../../plugin/config.js";

/** One LINK in LINK-wei. */
const LINK = 10n ** 18n;
/** The widest answer range the aggregator's int192 answers allow (min 1: a price is positive). */
const INT192_MAX = (1n << 191n) - 1n;

/** Default billing: the plugin's defaults (Chainlink's OCR integration test values). */
export const DEFAULT_BILLING_PARAMETERS = DEFAULT_BILLING;

/** The module builder Ignition passes to a module's callback. */
type ModuleBuilder = Parameters<Parameters<typeof buildModule>[1]>[0];

/**
 * What both variants share: the parameters, the LINK token, the two write access controllers and
 * the aggregator's constructor arguments (OffchainAggregator and its access-controlled subclass
 * take the same ones).
 */
function feedBase(m: ModuleBuilder) {
  const description = m.getParameter("description", "ETH / USD");
  const decimals = m.getParameter("decimals", 8);
  const minAnswer = m.getParameter("minAnswer", 1n);
  const maxAnswer = m.getParameter("maxAnswer", INT192_MAX);
  const billing = DEFAULT_BILLING_PARAMETERS;
  const linkFunding = m.getParameter("linkFunding", 1000n * LINK);
  // Transmitter i is paid to payee i. Both lists come from the oracle keys, so they are
  // parameters; the empty defaults make setPayees a no-op.
  const transmitters = m.getParameter<string[]>("transmitters", []);
  const payees = m.getParameter<string[]>("payees", []);

  const linkToken = m.contract("LinkToken");
  // Who may change billing (besides the owner) and who may call requestNewRound (besides the
  // owner). Both start empty: only the owner can.
  const billingAccessController = m.contract("SimpleWriteAccessController", [], { id: "BillingAccessController" });
  const requesterAccessController = m.contract("SimpleWriteAccessController", [], { id: "RequesterAccessController" });

  const aggregatorArgs = [
    m.getParameter("maximumGasPriceGwei", billing.maximumGasPriceGwei),
    m.getParameter("reasonableGasPriceGwei", billing.reasonableGasPriceGwei),
    m.getParameter("microLinkPerEth", billing.microLinkPerEth),
    m.getParameter("linkGweiPerObservation", billing.linkGweiPerObservation),
    m.getParameter("linkGweiPerTransmission", billing.linkGweiPerTransmission),
    linkToken,
    minAnswer,
    maxAnswer,
    billingAccessController,
    requesterAccessController,
    decimals,
    description,
  ];
  return { linkToken, billingAccessController, requesterAccessController, aggregatorArgs, transmitters, payees, linkFunding };
}

/** LinkToken, access controllers, OffchainAggregator, AggregatorProxy, payees, LINK funding. */
export const OcrFeedModule = buildModule("OcrFeed", (m) => {
  const { aggregatorArgs, transmitters, payees, linkFunding, ...shared } = feedBase(m);
  const aggregator = m.contract("OffchainAggregator", aggregatorArgs);
  const proxy = m.contract("AggregatorProxy", [aggregator]);
  m.call(aggregator, "setPayees", [transmitters, payees]);
  m.call(shared.linkToken, "transfer", [aggregator, linkFunding], { id: "FundAggregator" });
  return { ...shared, aggregator, proxy };
});

/** The same with AccessControlledOffchainAggregator and EACAggregatorProxy behind a read allowlist. */
export const AccessControlledOcrFeedModule = buildModule("AccessControlledOcrFeed", (m) => {
  const { aggregatorArgs, transmitters, payees, linkFunding, ...shared } = feedBase(m);
  const aggregator = m.contract("AccessControlledOffchainAggregator", aggregatorArgs);
  // Read allowlist of the proxy. Externally owned accounts may always read; contracts (feed
  // consumers) must be added with addAccess.
  const readAccessController = m.contract("SimpleReadAccessController", [], { id: "ReadAccessController" });
  const proxy = m.contract("EACAggregatorProxy", [aggregator, readAccessController]);
  // The aggregator gates its own reads too; the proxy is a contract, so it must be listed.
  m.call(aggregator, "addAccess", [proxy], { id: "AllowProxyToReadAggregator" });
  m.call(aggregator, "setPayees", [transmitters, payees]);
  m.call(shared.linkToken, "transfer", [aggregator, linkFunding], { id: "FundAggregator" });
  return { ...shared, readAccessController, aggregator, proxy };
});

export default OcrFeedModule;
