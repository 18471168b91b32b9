package io.aifactory.sdk.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Tag;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdAddressTest {
  @ParameterizedTest
  @ValueSource(strings = {"ns=2;s=Line1.Temperature", "ns=3;i=1001", "i=85", "s=Plain",
      "nsu=urn:example;s=Pump.Speed", "ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a", "ns=1;b=M/RbKBsRVkePCePcx24oRA=="})
  void shouldAcceptStandardNodeIdStrings(String address) {
    ExpandedNodeId id = NodeIdAddress.parse("t", address);
    assertTrue(id.isNotNull() || address.startsWith("i=0"), address);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Line1.Temperature", "ns=2;x=1", "ns=two;s=a", "holding:100", "ns=2;i=notanumber", ""})
  void shouldRefuseMalformedAddressesNamingTheTag(String address) {
    AddressException e = assertThrows(AddressException.class, () -> NodeIdAddress.parse("line1.temp", address));
    assertTrue(e.getMessage().contains("line1.temp"), e.getMessage());
    assertTrue(e.getMessage().contains("ns=2;s=Line1.Temperature"), e.getMessage());
  }

  @Test
  void shouldRefuseAMalformedAddressThroughTheDriverFoundByScheme() {
    Tag bad = Tag.of("bad", "Line1.Temperature", DataType.FLOAT64);
    assertThrows(AddressException.class, () -> Devices.driver("opc.tcp").checkAddress(bad));
    Devices.driver("OPC.TCP").checkAddress(Tag.of("good", "ns=2;s=Line1.Temperature", DataType.FLOAT64));
  }

  @Test
  void shouldResolveANamespaceUriAgainstTheServersTable() {
    NamespaceTable table = new NamespaceTable();
    table.add("urn:server");
    table.add("urn:example");
    NodeId id = NodeIdAddress.resolve("t", "nsu=urn:example;i=7", table);
    assertEquals(2, id.getNamespaceIndex().intValue());
    assertEquals(UInteger.valueOf(7), id.getIdentifier());
    AddressException e = assertThrows(AddressException.class, () -> NodeIdAddress.resolve("t", "nsu=urn:missing;i=7", table));
    assertTrue(e.getMessage().contains("urn:missing"), e.getMessage());
  }
}
