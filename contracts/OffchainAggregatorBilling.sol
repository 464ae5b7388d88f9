// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Owned} from "./access/Owned.sol";
import {AccessControllerInterface} from "./interfaces/AccessControllerInterface.sol";
import {LinkTokenInterface} from "./interfaces/LinkTokenInterface.sol";
import {Payees} from "./libraries/Payees.sol";

/// @title OffchainAggregatorBilling
/// @notice The oracle registry and the LINK accounting of an OCR1 aggregator: payees, observation
/// rewards, gas reimbursement of transmitters, payouts, and the billing parameters.
/// @dev Trust model, as in Chainlink's design: the billing admin can set any parameters, and what
/// the contract owes can exceed what it holds, so oracles should watch `linkAvailableForPayment`
/// and withdraw regularly. Every change to the oracle set, the parameters or the token first pays
/// out everything owed under the old settings.
abstract contract OffchainAggregatorBilling is Owned {
  /// @notice The most oracles a config may have.
  uint256 internal constant MAX_ORACLES = 31;

  /// @notice Gas spent after the `gasleft()` reading in `_reimburseTransmitter`, which that reading
  /// cannot see and is therefore added as a constant: the arithmetic and the cold SSTORE to the
  /// transmitter's reimbursement slot (2,100 + 2,900 when it was non-zero, which the +1 offset
  /// guarantees), plus returning from transmit. Profiled with scripts/measure-transmit-gas.ts
  /// (it prints the figure from an opcode trace); re-profile when that code changes.
  uint256 internal constant ACCOUNTING_GAS_COST = 5_291;

  uint256 private constant MAX_UINT128 = type(uint128).max;
  uint256 private constant MAX_UINT16 = type(uint16).max;

  /// @notice Billing parameters.
  struct Billing {
    /// Highest gas price reimbursed, in gwei.
    uint32 maximumGasPrice;
    /// Below this gas price (gwei) the transmitter is paid half of what it saved.
    uint32 reasonableGasPrice;
    /// LINK paid per ETH of gas, in 1e-6 LINK.
    uint32 microLinkPerEth;
    /// Reward for each observation in an accepted report, in 1e-9 LINK.
    uint32 linkGweiPerObservation;
    /// Reward for each accepted transmission, in 1e-9 LINK.
    uint32 linkGweiPerTransmission;
  }

  /// @notice What an address is to the current oracle set. An address holds at most one role.
  enum Role {
    Unset,
    Signer,
    Transmitter
  }

  /// @notice An address's oracle index (position in the setConfig arrays) and role.
  struct Oracle {
    uint8 index;
    Role role;
  }

  Billing internal s_billing;
  LinkTokenInterface internal s_linkToken;
  AccessControllerInterface internal s_billingAccessController;

  /// @dev Observations to be rewarded, per oracle index, stored as count + 1 so a paid-out slot
  /// never returns to zero (re-filling a zero slot costs 20,000 gas instead of 2,900). Sixteen
  /// counters share a slot, so a report touches at most two slots however many observers it has.
  uint16[MAX_ORACLES] internal s_oracleObservationsCounts;

  /// @dev Gas reimbursement owed, in LINK-wei, per oracle index, also stored as value + 1.
  uint256[MAX_ORACLES] internal s_gasReimbursementsLinkWei;

  /// @dev Payee (the address that receives the LINK) of each transmitter.
  mapping(address transmitter => address payee) internal s_payees;
  mapping(address transmitter => address payee) internal s_proposedPayees;

  /// @dev Role and index of every signer and transmitter address of the current config.
  mapping(address signerOrTransmitter => Oracle) internal s_oracles;

  event BillingSet(
    uint32 maximumGasPrice,
    uint32 reasonableGasPrice,
    uint32 microLinkPerEth,
    uint32 linkGweiPerObservation,
    uint32 linkGweiPerTransmission
  );
  event BillingAccessControllerSet(AccessControllerInterface old, AccessControllerInterface current);
  event LinkTokenSet(LinkTokenInterface indexed _oldLinkToken, LinkTokenInterface indexed _newLinkToken);
  event OraclePaid(
    address indexed transmitter,
    address indexed payee,
    uint256 amount,
    LinkTokenInterface indexed linkToken
  );
  // PayeeshipTransferRequested and PayeeshipTransferred are declared by the Payees library.

  constructor(
    uint32 maximumGasPrice,
    uint32 reasonableGasPrice,
    uint32 microLinkPerEth,
    uint32 linkGweiPerObservation,
    uint32 linkGweiPerTransmission,
    LinkTokenInterface link,
    AccessControllerInterface billingAccessController_
  ) {
    _setBilling(maximumGasPrice, reasonableGasPrice, microLinkPerEth, linkGweiPerObservation, linkGweiPerTransmission);
    s_linkToken = link;
    emit LinkTokenSet(LinkTokenInterface(address(0)), link);
    _setBillingAccessController(billingAccessController_);
    for (uint256 i; i < MAX_ORACLES; ++i) {
      s_oracleObservationsCounts[i] = 1;
      s_gasReimbursementsLinkWei[i] = 1;
    }
  }

  /// @dev The transmitters of the current config, in config order (kept by the aggregator).
  function _currentTransmitters() internal view virtual returns (address[] memory);

  // ---------------------------------------------------------------------------------------------
  // Billing parameters

  /// @notice Set the billing parameters, after paying every oracle what it is owed under the old
  /// ones. Callable by the owner and by addresses the billing access controller allows.
  function setBilling(
    uint32 _maximumGasPrice,
    uint32 _reasonableGasPrice,
    uint32 _microLinkPerEth,
    uint32 _linkGweiPerObservation,
    uint32 _linkGweiPerTransmission
  ) external {
    _checkOwnerOrBillingAdmin();
    _payOracles();
    _setBilling(_maximumGasPrice, _reasonableGasPrice, _microLinkPerEth, _linkGweiPerObservation, _linkGweiPerTransmission);
  }

  /// @notice The billing parameters.
  function getBilling()
    external
    view
    returns (
      uint32 maximumGasPrice,
      uint32 reasonableGasPrice,
      uint32 microLinkPerEth,
      uint32 linkGweiPerObservation,
      uint32 linkGweiPerTransmission
    )
  {
    Billing memory billing = s_billing;
    return (
      billing.maximumGasPrice,
      billing.reasonableGasPrice,
      billing.microLinkPerEth,
      billing.linkGweiPerObservation,
      billing.linkGweiPerTransmission
    );
  }

  /// @notice Set the controller that decides who, besides the owner, may call setBilling and
  /// withdrawFunds. Emits BillingAccessControllerSet only when it changes.
  function setBillingAccessController(AccessControllerInterface _billingAccessController) external onlyOwner {
    _setBillingAccessController(_billingAccessController);
  }

  /// @notice The billing access controller (address 0 if none).
  function billingAccessController() external view returns (AccessControllerInterface) {
    return s_billingAccessController;
  }

  // ---------------------------------------------------------------------------------------------
  // LINK token

  /// @notice Switch to another LINK token: pays every oracle in the old token, sends the rest of
  /// the old token's balance to `_recipient`, then switches. Does nothing if `_linkToken` is current.
  function setLinkToken(LinkTokenInterface _linkToken, address _recipient) external onlyOwner {
    LinkTokenInterface oldToken = s_linkToken;
    if (_linkToken == oldToken) return;
    // A cheap sanity check that `_linkToken` is a token contract at all: reverts otherwise.
    _linkToken.balanceOf(address(this));
    _payOracles();
    uint256 remaining = oldToken.balanceOf(address(this));
    require(oldToken.transfer(_recipient, remaining), "transfer remaining funds failed");
    s_linkToken = _linkToken;
    emit LinkTokenSet(oldToken, _linkToken);
  }

  /// @notice The LINK token oracles are paid in.
  function getLinkToken() external view returns (LinkTokenInterface linkToken) {
    return s_linkToken;
  }

  // ---------------------------------------------------------------------------------------------
  // Payouts

  /// @notice Pay the oracle whose transmitter is `_transmitter` what it is owed. Only its payee.
  function withdrawPayment(address _transmitter) external {
    require(msg.sender == s_payees[_transmitter], "Only payee can withdraw");
    _payOracle(_transmitter);
  }

  /// @notice LINK-wei owed to the oracle that uses `_transmitter` (0 for other addresses).
  function owedPayment(address _transmitter) public view returns (uint256) {
    Oracle memory oracle = s_oracles[_transmitter];
    if (oracle.role == Role.Unset) return 0;
    return
      _observationRewardLinkWei(s_oracleObservationsCounts[oracle.index] - 1, s_billing.linkGweiPerObservation) +
      (s_gasReimbursementsLinkWei[oracle.index] - 1);
  }

  /// @notice Observations of the oracle using `_signerOrTransmitter` not yet paid for (0 for
  /// other addresses).
  function oracleObservationCount(address _signerOrTransmitter) external view returns (uint16) {
    Oracle memory oracle = s_oracles[_signerOrTransmitter];
    if (oracle.role == Role.Unset) return 0;
    return s_oracleObservationsCounts[oracle.index] - 1;
  }

  /// @notice Send up to `_amount` LINK-wei that the contract does not owe to oracles to
  /// `_recipient`. Callable by the owner and by addresses the billing access controller allows.
  function withdrawFunds(address _recipient, uint256 _amount) external {
    _checkOwnerOrBillingAdmin();
    uint256 linkDue = _totalLinkDue();
    uint256 linkBalance = s_linkToken.balanceOf(address(this));
    require(linkBalance >= linkDue, "insufficient balance");
    require(s_linkToken.transfer(_recipient, _min(linkBalance - linkDue, _amount)), "insufficient funds");
  }

  /// @notice LINK balance minus everything owed to oracles, in LINK-wei; negative when underfunded.
  function linkAvailableForPayment() external view returns (int256 availableBalance) {
    // Casts and subtraction wrap like the 0.7 original rather than panic; with LINK's supply of
    // 1e27 < 2^90 and dues below 2^172 neither can actually wrap.
    unchecked {
      return int256(s_linkToken.balanceOf(address(this))) - int256(_totalLinkDue());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Payees

  /// @notice Set the initial payee of each transmitter. A transmitter's payee can be set once;
  /// setting the same payee again is a no-op. Only the owner.
  function setPayees(address[] calldata _transmitters, address[] calldata _payees) external onlyOwner {
    Payees.setPayees(s_payees, _transmitters, _payees);
  }

  /// @notice First step of handing a transmitter's payeeship to `_proposed`. Only the current payee.
  function transferPayeeship(address _transmitter, address _proposed) external {
    Payees.transferPayeeship(s_payees, s_proposedPayees, _transmitter, _proposed);
  }

  /// @notice Second step: the proposed payee takes over. Only the proposed payee.
  function acceptPayeeship(address _transmitter) external {
    Payees.acceptPayeeship(s_payees, s_proposedPayees, _transmitter);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  function _checkOwnerOrBillingAdmin() private view {
    // Short-circuits: the owner never needs the controller, which may be address 0 (then a
    // non-owner's call reverts without a reason, as in 4.0.0).
    require(
      msg.sender == owner || s_billingAccessController.hasAccess(msg.sender, msg.data),
      "Only owner&billingAdmin can call"
    );
  }

  function _setBilling(
    uint32 maximumGasPrice,
    uint32 reasonableGasPrice,
    uint32 microLinkPerEth,
    uint32 linkGweiPerObservation,
    uint32 linkGweiPerTransmission
  ) internal {
    s_billing = Billing(maximumGasPrice, reasonableGasPrice, microLinkPerEth, linkGweiPerObservation, linkGweiPerTransmission);
    emit BillingSet(maximumGasPrice, reasonableGasPrice, microLinkPerEth, linkGweiPerObservation, linkGweiPerTransmission);
  }

  function _setBillingAccessController(AccessControllerInterface controller) internal {
    AccessControllerInterface old = s_billingAccessController;
    if (controller != old) {
      s_billingAccessController = controller;
      emit BillingAccessControllerSet(old, controller);
    }
  }

  /// @dev Pays one oracle everything it is owed and resets its counters. The counters are reset
  /// before the transfer (checks-effects-interactions); a failed transfer reverts both.
  function _payOracle(address transmitter) internal {
    Oracle memory oracle = s_oracles[transmitter];
    uint256 amount = owedPayment(transmitter);
    if (amount > 0) {
      address payee = s_payees[transmitter];
      s_oracleObservationsCounts[oracle.index] = 1;
      s_gasReimbursementsLinkWei[oracle.index] = 1;
      LinkTokenInterface token = s_linkToken;
      require(token.transfer(payee, amount), "insufficient funds");
      emit OraclePaid(transmitter, payee, amount, token);
    }
  }

  /// @dev Pays every oracle of the current config, in config order.
  function _payOracles() internal {
    address[] memory transmitters_ = _currentTransmitters();
    LinkTokenInterface token = s_linkToken;
    uint32 linkGweiPerObservation = s_billing.linkGweiPerObservation;
    for (uint256 i; i < transmitters_.length; ++i) {
      uint256 amount = _observationRewardLinkWei(s_oracleObservationsCounts[i] - 1, linkGweiPerObservation) +
        (s_gasReimbursementsLinkWei[i] - 1);
      if (amount > 0) {
        address payee = s_payees[transmitters_[i]];
        s_oracleObservationsCounts[i] = 1;
        s_gasReimbursementsLinkWei[i] = 1;
        require(token.transfer(payee, amount), "insufficient funds");
        emit OraclePaid(transmitters_[i], payee, amount, token);
      }
    }
  }

  /// @dev LINK-wei owed to all oracles: observation rewards over all 31 counters (indices beyond
  /// the oracle count can hold rewards too, as 4.0.0 accepts observer indices in n..30) plus the
  /// reimbursements of the current oracles. Below 2^172 (31 · 2^16 · 2^32 · 1e9 plus 31 · 2^166).
  function _totalLinkDue() internal view returns (uint256 linkDue) {
    uint256 observations;
    for (uint256 i; i < MAX_ORACLES; ++i) {
      observations += s_oracleObservationsCounts[i] - 1;
    }
    linkDue = _observationRewardLinkWei(observations, s_billing.linkGweiPerObservation);
    uint256 oracles = _currentTransmitters().length;
    for (uint256 i; i < oracles; ++i) {
      linkDue += s_gasReimbursementsLinkWei[i] - 1;
    }
  }

  function _observationRewardLinkWei(uint256 observations, uint32 linkGweiPerObservation) private pure returns (uint256) {
    return observations * uint256(linkGweiPerObservation) * 1 gwei;
  }

  /// @dev Credits one observation to each oracle index marked in `lanesLow` / `lanesHigh`.
  /// The marks come one bit per 16-bit counter lane (bit 16·k for oracle k of that slot), exactly
  /// as the counters are packed in the two storage slots of s_oracleObservationsCounts, so the
  /// whole update is one add per slot instead of a read-modify-write per observer (saves ~60
  /// gas per observer). Each oracle appears at most once per report (the caller rejects
  /// repeated observers), so a lane grows by at most 1; lanes already at 0xFFFF are left alone,
  /// which is the saturating add of 4.0.0, so no add can carry into a neighbouring lane.
  function _rewardObservers(uint256 lanesLow, uint256 lanesHigh) internal {
    uint256 slot;
    assembly ("memory-safe") {
      slot := s_oracleObservationsCounts.slot
    }
    if (lanesLow != 0) _addToLanes(slot, lanesLow);
    if (lanesHigh != 0) _addToLanes(slot + 1, lanesHigh);
  }

  function _addToLanes(uint256 slot, uint256 ones) private {
    assembly ("memory-safe") {
      let counters := sload(slot)
      // A lane is full (0xFFFF) exactly when the complement's lane is zero. Zero-lane test
      // without false positives: for y = ~counters, ((y & 0x7FFF) + 0x7FFF) | y | 0x7FFF has bit
      // 15 clear only in lanes where y is zero; no lane's sum exceeds 0xFFFE, so nothing carries.
      let low15 := 0x7fff7fff7fff7fff7fff7fff7fff7fff7fff7fff7fff7fff7fff7fff7fff7fff
      let y := not(counters)
      let full := and(shr(15, not(or(or(add(and(y, low15), low15), y), low15))), ones)
      sstore(slot, add(counters, xor(ones, full)))
    }
  }

  /// @dev Gas reimbursement (plus the transmission reward) of the transmitter at `txIndex`, for
  /// the gas used since `initialGas` was read at the top of transmit. The ordering and checks
  /// follow 4.0.0's reimburseAndRewardOracles. The "sent by undesignated transmitter" check of
  /// 4.0.0 re-read the sender's role from storage; here `txIndex` is the sender's position in
  /// the same oracle set transmit verified it against, with no state change in between, so the
  /// role is known and the 2,100-gas re-read is skipped.
  function _reimburseTransmitter(uint256 initialGas, uint256 txIndex) internal {
    Billing memory billing = s_billing;
    uint256 gasPrice = _impliedGasPrice(tx.gasprice / 1 gwei, billing.reasonableGasPrice, billing.maximumGasPrice);
    // Upper bound: every calldata byte at the non-zero rate of 16 gas.
    uint256 callDataGasCost = 16 * msg.data.length;
    uint256 gasLeft = gasleft();
    require(initialGas >= gasLeft, "gasLeft cannot exceed initialGas");
    // Unchecked: initialGas < 2^32 (asserted by the caller), calldata < 2^32 bytes, gasPrice <
    // 2^32 gwei and 1 gwei < 2^30, so gasUsed · gasPrice · 1e9 < 2^(33+32+30) and nothing wraps;
    // the assert keeps 4.0.0's bound; costLinkWei < 2^128 · 2^32; the stored sum would need
    // 2^96 reports to wrap.
    unchecked {
      uint256 gasUsed = initialGas - gasLeft + callDataGasCost + ACCOUNTING_GAS_COST;
      uint256 costEthWei = gasUsed * gasPrice * 1 gwei;
      assert(costEthWei < MAX_UINT128);
      // 1e-6 LINK/ETH × ETH-wei = 1e-24 LINK-wei; dividing by 1e6 gives LINK-wei.
      uint256 costLinkWei = (costEthWei * billing.microLinkPerEth) / 1e6;
      s_gasReimbursementsLinkWei[txIndex] += costLinkWei + uint256(billing.linkGweiPerTransmission) * 1 gwei;
    }
  }

  /// @dev Gas price (gwei) to reimburse: the transaction's, plus half of what it saved below
  /// the reasonable price, capped at the maximum. Inputs are below 2^32, so nothing wraps.
  function _impliedGasPrice(
    uint256 txGasPrice,
    uint256 reasonableGasPrice,
    uint256 maximumGasPrice
  ) internal pure returns (uint256 gasPrice) {
    unchecked {
      gasPrice = txGasPrice;
      if (txGasPrice < reasonableGasPrice) gasPrice += (reasonableGasPrice - txGasPrice) / 2;
      return _min(gasPrice, maximumGasPrice);
    }
  }

  function _min(uint256 a, uint256 b) internal pure returns (uint256) {
    return a < b ? a : b;
  }
}
