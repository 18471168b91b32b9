package io.aifactory.sdk.testkit.modbus;

/** How the simulator breaks its replies, to show what a client does with a device that breaks the protocol. */
public enum MalformedReply {
  /** Well-formed replies. */
  NONE,
  /** Modbus TCP: the reply's transaction id is the request's plus one. RTU: the reply comes from another unit id. */
  WRONG_TRANSACTION_ID,
  /** Modbus TCP: the MBAP protocol id is 1 instead of 0. RTU: the reply comes from another unit id. */
  WRONG_PROTOCOL_ID,
  /** The PDU is cut to its function code alone; the frame around it is consistent with the cut PDU. */
  TRUNCATED_PDU,
  /** Replies to reads say two data bytes more in their byte count than they carry (and than the frame's length). */
  BYTE_COUNT_MISMATCH,
  /** The reply carries another function code than the request (3 for anything but 3, 4 for 3). */
  WRONG_FUNCTION_CODE,
  /** RTU framing only: the CRC is wrong. Over Modbus TCP, which has no CRC, replies stay well-formed. */
  BAD_CRC
}
