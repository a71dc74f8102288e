// Turning the text of one log field into observable values, shared by the log readers: IP
// literal tests, e-mail addresses out of mail header forms, host names with ports, HTTP URLs
// composed from host and path, certificate fingerprints told apart by length.
// Pure functions; thread-safe. Views returned point into the arguments (or, for composed URLs,
// into a Scratch() string of the event).
#pragma once

#include <string_view>

#include "match/event.h"

namespace kongsi::match {

// Strict dotted quad: four decimal parts 0-255 without leading zeros ("0" itself is fine).
bool IsIpv4Text(std::string_view text);
// RFC 4291 text forms: hex groups of 1-4 digits, at most one "::", an embedded dotted quad
// at the end; 8 groups without "::". No zone suffix, no brackets.
bool IsIpv6Text(std::string_view text);
inline bool IsIpText(std::string_view text) { return IsIpv4Text(text) || IsIpv6Text(text); }

// The address in a mail header or envelope value: "Name <a@b.example>" and "<a@b.example>"
// give "a@b.example", "a@b.example (Name)" gives "a@b.example"; empty when there is no '@'.
std::string_view EmailAddressIn(std::string_view text);

// Splits an HTTP Host value into name and port: "example.com:8080", "[2001:db8::1]:443",
// "192.0.2.1"; the name of a bracketed IPv6 literal comes without brackets. A bare IPv6
// address (several colons, no brackets) is all name.
void SplitHostPort(std::string_view host, std::string_view& name, std::string_view& port);

// Adds the name part of an HTTP Host value (SplitHostPort) as kIpAddress when it is an IP
// literal, otherwise as kDomainName.
void AddHost(Event& event, std::string_view field, std::string_view host);

// The URL of an HTTP request: `target` itself when it is absolute ("http://..."), otherwise
// "http://" + host (brackets around a bare IPv6 literal) + ":" + port (when given, not "80",
// and the host has none) + target. Empty when there is no host or `target` does not start with
// '/' (CONNECT's "host:port", OPTIONS' "*"). Composed URLs live in a Scratch() string.
std::string_view ComposeHttpUrl(Event& event, std::string_view host, std::string_view port,
                                std::string_view target);

// The certificate hash kind of a hex fingerprint by its number of hex digits (colons between
// byte pairs allowed): 40 -> kX509Sha1, 64 -> kX509Sha256. False otherwise.
bool FingerprintKind(std::string_view text, Observable& kind);

}  // namespace kongsi::match
