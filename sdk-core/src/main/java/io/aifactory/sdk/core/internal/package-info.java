/** Implementation details shared by the SDK's modules; not API, may change in any release. */
package io.aifactory.sdk.core.internal;
