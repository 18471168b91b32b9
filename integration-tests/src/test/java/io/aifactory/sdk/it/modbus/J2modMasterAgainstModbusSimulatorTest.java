package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusExceptionCode;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.modbus.MalformedReply;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulated PLC checked by a client that is not ours: a plain j2mod master reads and writes it, over Modbus TCP
 * and over RTU framing on TCP, and sees each injected fault as the failure a real client would see.
 */
class J2modMasterAgainstModbusSimulatorTest {
  // Generous, so that a loaded build machine does not fail the reads that should succeed.
  private static final int TIMEOUT_MS = 1000;
  private static final List<Tag> UNIT1 = List.of(
      Tag.of("temperature", "holding:100:float32:cdab", DataType.FLOAT32),
      Tag.of("count", "input:7:int32", DataType.INT32),
      Tag.of("running", "coil:3", DataType.BOOL),
      Tag.of("door", "discrete:5", DataType.BOOL),
      Tag.of("setpoint", "holding:10:uint16", DataType.UINT16));
  private static final List<Tag> UNIT2 = List.of(Tag.of("setpoint2", "holding:10:uint16", DataType.UINT16));

  private ModbusSimulator plc;
  private ModbusTCPMaster master;

  private ModbusTCPMaster start(boolean rtuOverTcp) throws Exception {
    plc = ModbusSimulator.newBuilder().unit(1, UNIT1).unit(2, UNIT2).rtuOverTcp(rtuOverTcp).build();
    plc.start();
    master = connect(rtuOverTcp);
    return master;
  }

  private ModbusTCPMaster connect(boolean rtuOverTcp) throws Exception {
    ModbusTCPMaster m = new ModbusTCPMaster("127.0.0.1", plc.port(), TIMEOUT_MS, false, rtuOverTcp);
    m.connect();
    // After connect (which creates the transaction) and not 0: j2mod reads retries <= 0 as "try 5 times".
    m.setRetries(1);
    return m;
  }

  @AfterEach
  void tearDown() {
    if (master != null) master.disconnect();
    if (plc != null) plc.close();
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldServeAllFourTablesToAPlainJ2modMaster(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.set("temperature", 21.5);
    plc.set("count", -70000);
    plc.set("running", true);
    plc.set("door", true);

    Register[] temperature = master.readMultipleRegisters(1, 100, 2);
    // 21.5f = 0x41AC0000, word-swapped (cdab): 0x0000 then 0x41AC
    assertEquals(0x0000, temperature[0].getValue());
    assertEquals(0x41AC, temperature[1].getValue());
    InputRegister[] count = master.readInputRegisters(1, 7, 2);
    assertEquals(-70000, (count[0].getValue() << 16) | count[1].getValue());
    assertTrue(master.readCoils(1, 3, 1).getBit(0));
    BitVector discretes = master.readInputDiscretes(1, 0, 8);
    assertTrue(discretes.getBit(5));
    assertFalse(discretes.getBit(4));
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldApplyAndRecordWritesOfAPlainJ2modMaster(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    master.writeSingleRegister(1, 10, new SimpleRegister(1234));
    master.writeMultipleRegisters(1, 100, new Register[] {new SimpleRegister(0), new SimpleRegister(0x4120)});
    master.writeCoil(1, 3, true);

    assertEquals(1234L, plc.get("setpoint"));
    assertEquals(10.0, (Double) plc.get("temperature"), 1e-6);
    assertEquals(true, plc.get("running"));
    List<String> written = plc.writes().stream().map(RecordedWrite::tagName).collect(java.util.stream.Collectors.toList());
    assertEquals(List.of("setpoint", "temperature", "running"), written);
    assertEquals(10.0, (Double) plc.writes().get(1).value(), 1e-6);
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldKeepEachUnitIdsValuesApart(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.set("setpoint", 1);
    plc.set("setpoint2", 2);
    assertEquals(1, master.readMultipleRegisters(1, 10, 1)[0].getValue());
    assertEquals(2, master.readMultipleRegisters(2, 10, 1)[0].getValue());
    ModbusSlaveException e = assertThrows(ModbusSlaveException.class, () -> master.readMultipleRegisters(9, 10, 1));
    assertEquals(ModbusExceptionCode.GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND.code(), e.getType());
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldAnswerChosenAddressesWithAChosenExceptionCode(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.exception(1, ModbusTable.HOLDING_REGISTER, 50, 2, ModbusExceptionCode.ILLEGAL_DATA_ADDRESS);
    plc.exception("running", ModbusExceptionCode.SERVER_DEVICE_BUSY);

    ModbusSlaveException read = assertThrows(ModbusSlaveException.class, () -> master.readMultipleRegisters(1, 45, 10));
    assertEquals(2, read.getType());
    ModbusSlaveException write = assertThrows(ModbusSlaveException.class, () -> master.writeCoil(1, 3, true));
    assertEquals(6, write.getType());
    assertEquals(0, master.readMultipleRegisters(1, 40, 10)[0].getValue(), "addresses outside the range still answer");
    plc.clearExceptions();
    assertEquals(10, master.readMultipleRegisters(1, 45, 10).length);
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldFailTheMastersNextRequestAfterConnectionsAreDropped(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    master.readMultipleRegisters(1, 0, 1);
    plc.dropConnections();
    assertThrows(ModbusException.class, () -> master.readMultipleRegisters(1, 0, 1));
    ModbusTCPMaster again = connect(rtuOverTcp);
    try {
      assertEquals(1, again.readMultipleRegisters(1, 0, 1).length);
    } finally {
      again.disconnect();
    }
    assertEquals(2, plc.connectionCount());
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldTimeOutTheMasterWhileStalledAndAnswerAgainAfterwards(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.stall(true);
    assertThrows(ModbusException.class, () -> master.readMultipleRegisters(1, 0, 1));
    plc.stall(false);
    master.disconnect();
    master = connect(rtuOverTcp);
    assertEquals(1, master.readMultipleRegisters(1, 0, 1).length);
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldDelayRepliesPastTheMastersTimeout(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.delayReplies(Duration.ofMillis(TIMEOUT_MS * 2));
    assertThrows(ModbusException.class, () -> master.readMultipleRegisters(1, 0, 1));
    plc.delayReplies(Duration.ofMillis(10));
    master.disconnect();
    master = connect(rtuOverTcp);
    assertEquals(1, master.readMultipleRegisters(1, 0, 1).length, "a short delay stays within the timeout");
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldRestartOnTheSamePortKeepingValues(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.set("setpoint", 77);
    int port = plc.port();
    plc.stop();
    assertThrows(ModbusException.class, () -> master.readMultipleRegisters(1, 10, 1));
    plc.start();
    assertEquals(port, plc.port());
    master.disconnect();
    master = connect(rtuOverTcp);
    assertEquals(77, master.readMultipleRegisters(1, 10, 1)[0].getValue());
    plc.restart();
    assertEquals(port, plc.port());
  }

  @ParameterizedTest
  @EnumSource(value = MalformedReply.class, names = {"WRONG_TRANSACTION_ID", "TRUNCATED_PDU", "BYTE_COUNT_MISMATCH"})
  void shouldFailTheMasterOnMalformedTcpReplies(MalformedReply mode) throws Exception {
    start(false);
    master.setCheckingValidity(true);
    plc.malformReplies(mode);
    assertThrows(ModbusException.class, () -> master.readMultipleRegisters(1, 10, 2), mode.name());
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldBreakTheMasterWithAReplyOfAnotherFunctionCode(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.malformReplies(MalformedReply.WRONG_FUNCTION_CODE);
    // j2mod casts the reply to the type it expected: the caller gets a ClassCastException, not a ModbusException.
    assertThrows(ClassCastException.class, () -> master.readMultipleRegisters(1, 10, 2));
  }

  @ParameterizedTest
  @EnumSource(value = MalformedReply.class, names = {"TRUNCATED_PDU", "BYTE_COUNT_MISMATCH"})
  void shouldFailTheMasterOnMalformedRtuReplies(MalformedReply mode) throws Exception {
    start(true);
    plc.malformReplies(mode);
    assertThrows(ModbusException.class, () -> master.readMultipleRegisters(1, 10, 2), mode.name());
  }

  /**
   * What j2mod does not check, recorded so that a j2mod upgrade that starts checking shows up here; our driver
   * refuses each of these (see ModbusDriverFaultTest).
   */
  @ParameterizedTest
  @EnumSource(value = MalformedReply.class, names = {"WRONG_PROTOCOL_ID", "WRONG_TRANSACTION_ID", "BAD_CRC"})
  void shouldShowWhichMalformedRepliesAPlainJ2modMasterAccepts(MalformedReply mode) throws Exception {
    boolean rtu = mode != MalformedReply.WRONG_PROTOCOL_ID;
    start(rtu);
    plc.set("setpoint", 5);
    plc.malformReplies(mode);
    // TCP: protocol id 1 is taken for Modbus; RTU over TCP: a reply from another unit and a wrong CRC are taken too.
    assertEquals(5, master.readMultipleRegisters(1, 10, 1)[0].getValue(), mode.name());
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldRoundTripRawRegistersWithoutTheCodec(boolean rtuOverTcp) throws Exception {
    start(rtuOverTcp);
    plc.setRegister(1, ModbusTable.INPUT_REGISTER, 300, 0xBEEF);
    assertEquals(0xBEEF, master.readInputRegisters(1, 300, 1)[0].getValue());
    master.writeMultipleRegisters(1, 500, new Register[] {new SimpleRegister(0x1234), new SimpleRegister(0x5678)});
    assertArrayEquals(new int[] {0x1234, 0x5678},
        new int[] {plc.register(1, ModbusTable.HOLDING_REGISTER, 500), plc.register(1, ModbusTable.HOLDING_REGISTER, 501)});
  }
}
