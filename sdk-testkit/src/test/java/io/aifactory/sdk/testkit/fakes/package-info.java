/** Test doubles of the testkit's own seams. */
package io.aifactory.sdk.testkit.fakes;
