/** Checks that every example builds and tests on its own, copied out of the repository with only the SDK's BOM. */
package io.aifactory.sdk.standalone;
