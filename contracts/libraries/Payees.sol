// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Payees
/// @notice The payee book of an OCR aggregator, the same for OCR1 and OCR2: each transmitter
/// has a payee, the address its oracle's LINK goes to. The owner sets the first payee; after
/// that only the payee itself can hand the role on, in two steps (propose, then accept). The
/// aggregators keep the two mappings in their own storage (at the slots Chainlink's contracts
/// use) and pass them in; the events below are emitted as the aggregator's own.
library Payees {
  /// @notice `current`, the payee of `transmitter`, proposed `proposed` as its successor.
  event PayeeshipTransferRequested(address indexed transmitter, address indexed current, address indexed proposed);
  /// @notice The payee of `transmitter` changed from `previous` to `current`.
  event PayeeshipTransferred(address indexed transmitter, address indexed previous, address indexed current);

  /// @notice Set the first payee of each transmitter (the caller checks that the owner calls).
  /// A payee once set cannot be changed here ("payee already set"); setting the same one again
  /// is allowed and emits nothing. Reverts "transmitters.size != payees.size" on a length
  /// mismatch.
  function setPayees(
    mapping(address => address) storage payeeOf,
    address[] calldata transmitters,
    address[] calldata payees
  ) internal {
    require(transmitters.length == payees.length, "transmitters.size != payees.size");
    for (uint256 i; i < transmitters.length; ++i) {
      address transmitter = transmitters[i];
      address payee = payees[i];
      address currentPayee = payeeOf[transmitter];
      require(currentPayee == address(0) || currentPayee == payee, "payee already set");
      payeeOf[transmitter] = payee;
      if (currentPayee != payee) emit PayeeshipTransferred(transmitter, currentPayee, payee);
    }
  }

  /// @notice First step of a handover: the current payee of `transmitter` (msg.sender) proposes
  /// `proposed`. Reverts "only current payee can update" for anyone else and "cannot transfer to
  /// self" for the payee itself; emits PayeeshipTransferRequested when the proposal changes.
  function transferPayeeship(
    mapping(address => address) storage payeeOf,
    mapping(address => address) storage proposedPayeeOf,
    address transmitter,
    address proposed
  ) internal {
    require(msg.sender == payeeOf[transmitter], "only current payee can update");
    require(msg.sender != proposed, "cannot transfer to self");
    address previousProposed = proposedPayeeOf[transmitter];
    proposedPayeeOf[transmitter] = proposed;
    if (previousProposed != proposed) emit PayeeshipTransferRequested(transmitter, msg.sender, proposed);
  }

  /// @notice Second step: the proposed payee (msg.sender) takes over. Reverts "only proposed
  /// payees can accept" for anyone else.
  function acceptPayeeship(
    mapping(address => address) storage payeeOf,
    mapping(address => address) storage proposedPayeeOf,
    address transmitter
  ) internal {
    require(msg.sender == proposedPayeeOf[transmitter], "only proposed payees can accept");
    address currentPayee = payeeOf[transmitter];
    payeeOf[transmitter] = msg.sender;
    proposedPayeeOf[transmitter] = address(0);
    emit PayeeshipTransferred(transmitter, currentPayee, msg.sender);
  }
}
