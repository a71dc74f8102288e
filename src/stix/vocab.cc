// STIX 2.1 vocabularies with the values of section 10 of the OASIS Standard (10 June 2021),
// including the additions made before publication (infrastructure-type-ov: control-system,
// firewall, routers-switches, workstation). Open vocabularies ("-ov") list the suggested
// values; enumerations ("-enum") list the only allowed ones. Values are case-sensitive.
#include "stix/vocab.h"

#include <utility>

#include "util/strings.h"

namespace kongsi::stix {

Vocabulary::Vocabulary(std::string name, std::initializer_list<std::string_view> values)
    : name_(std::move(name)) {
  values_.reserve(values.size());
  for (std::string_view value : values) values_.emplace(value);
}

bool Vocabulary::Contains(std::string_view value) const {
  return values_.contains(util::AsAbsl(value));
}

namespace vocab {

const Vocabulary kAccountType("account-type-ov",
                              {"facebook", "ldap", "nis", "openid", "radius", "skype", "tacacs",
                               "twitter", "unix", "windows-local", "windows-domain"});

const Vocabulary kAttackMotivation("attack-motivation-ov",
                                   {"accidental", "coercion", "dominance", "ideology", "notoriety",
                                    "organizational-gain", "personal-gain", "personal-satisfaction",
                                    "revenge", "unpredictable"});

const Vocabulary kAttackResourceLevel("attack-resource-level-ov",
                                      {"individual", "club", "contest", "team", "organization",
                                       "government"});

const Vocabulary kEncryptionAlgorithm("encryption-algorithm-enum",
                                      {"AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"});

const Vocabulary kExtensionType("extension-type-enum",
                                {"new-sdo", "new-sco", "new-sro", "property-extension",
                                 "toplevel-property-extension"});

const Vocabulary kGroupingContext("grouping-context-ov",
                                  {"suspicious-activity", "malware-analysis", "unspecified"});

const Vocabulary kHashAlgorithm("hash-algorithm-ov", {"MD5", "SHA-1", "SHA-256", "SHA-512",
                                                      "SHA3-256", "SHA3-512", "SSDEEP", "TLSH"});

const Vocabulary kIdentityClass("identity-class-ov", {"individual", "group", "system",
                                                      "organization", "class", "unknown"});

const Vocabulary kImplementationLanguage(
    "implementation-language-ov",
    {"applescript", "bash",  "c",           "c++",        "c#",           "go",         "java",
     "javascript",  "lua",   "objective-c", "perl",       "php",          "powershell", "python",
     "ruby",        "scala", "swift",       "typescript", "visual-basic", "x86-32",     "x86-64"});

const Vocabulary kIndicatorType("indicator-type-ov",
                                {"anomalous-activity", "anonymization", "benign", "compromised",
                                 "malicious-activity", "attribution", "unknown"});

const Vocabulary kIndustrySector("industry-sector-ov", {"agriculture",
                                                        "aerospace",
                                                        "automotive",
                                                        "chemical",
                                                        "commercial",
                                                        "communications",
                                                        "construction",
                                                        "defense",
                                                        "education",
                                                        "energy",
                                                        "entertainment",
                                                        "financial-services",
                                                        "government",
                                                        "emergency-services",
                                                        "government-local",
                                                        "government-national",
                                                        "government-public-services",
                                                        "government-regional",
                                                        "healthcare",
                                                        "hospitality-leisure",
                                                        "infrastructure",
                                                        "dams",
                                                        "nuclear",
                                                        "water",
                                                        "insurance",
                                                        "manufacturing",
                                                        "mining",
                                                        "non-profit",
                                                        "pharmaceuticals",
                                                        "retail",
                                                        "technology",
                                                        "telecommunications",
                                                        "transportation",
                                                        "utilities"});

const Vocabulary kInfrastructureType("infrastructure-type-ov",
                                     {"amplification", "anonymization", "botnet",
                                      "command-and-control", "control-system", "exfiltration",
                                      "firewall", "hosting-malware", "hosting-target-lists",
                                      "phishing", "reconnaissance", "routers-switches", "staging",
                                      "workstation", "unknown"});

const Vocabulary kMalwareResult("malware-result-ov",
                                {"malicious", "suspicious", "benign", "unknown"});

const Vocabulary kMalwareCapabilities("malware-capabilities-ov",
                                      {"accesses-remote-machines",
                                       "anti-debugging",
                                       "anti-disassembly",
                                       "anti-emulation",
                                       "anti-memory-forensics",
                                       "anti-sandbox",
                                       "anti-vm",
                                       "captures-input-peripherals",
                                       "captures-output-peripherals",
                                       "captures-system-state-data",
                                       "cleans-traces-of-infection",
                                       "commits-fraud",
                                       "communicates-with-c2",
                                       "compromises-data-availability",
                                       "compromises-data-integrity",
                                       "compromises-system-availability",
                                       "controls-local-machine",
                                       "degrades-security-software",
                                       "degrades-system-updates",
                                       "determines-c2-server",
                                       "emails-spam",
                                       "escalates-privileges",
                                       "evades-av",
                                       "exfiltrates-data",
                                       "fingerprints-host",
                                       "hides-artifacts",
                                       "hides-executing-code",
                                       "infects-files",
                                       "infects-remote-machines",
                                       "installs-other-components",
                                       "persists-after-system-reboot",
                                       "prevents-artifact-access",
                                       "prevents-artifact-deletion",
                                       "probes-network-environment",
                                       "self-modifies",
                                       "steals-authentication-credentials",
                                       "violates-system-operational-integrity"});

const Vocabulary kMalwareType("malware-type-ov", {"adware",
                                                  "backdoor",
                                                  "bot",
                                                  "bootkit",
                                                  "ddos",
                                                  "downloader",
                                                  "dropper",
                                                  "exploit-kit",
                                                  "keylogger",
                                                  "ransomware",
                                                  "remote-access-trojan",
                                                  "resource-exploitation",
                                                  "rogue-security-software",
                                                  "rootkit",
                                                  "screen-capture",
                                                  "spyware",
                                                  "trojan",
                                                  "unknown",
                                                  "virus",
                                                  "webshell",
                                                  "wiper",
                                                  "worm"});

const Vocabulary kNetworkSocketAddressFamily("network-socket-address-family-enum",
                                             {"AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK",
                                              "AF_NETBIOS", "AF_INET6", "AF_IRDA", "AF_BTH"});

const Vocabulary kNetworkSocketType("network-socket-type-enum",
                                    {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM",
                                     "SOCK_SEQPACKET"});

const Vocabulary kOpinion("opinion-enum",
                          {"strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"});

const Vocabulary kPatternType("pattern-type-ov",
                              {"stix", "pcre", "sigma", "snort", "suricata", "yara"});

const Vocabulary kProcessorArchitecture("processor-architecture-ov",
                                        {"alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86",
                                         "x86-64"});

// Continents and their UN M49 sub-regions, grouped by continent.
// clang-format off
const Vocabulary kRegion(
    "region-ov",
    {"africa", "eastern-africa", "middle-africa", "northern-africa", "southern-africa",
     "western-africa",
     "americas", "caribbean", "central-america", "latin-america-caribbean", "northern-america",
     "south-america",
     "asia", "central-asia", "eastern-asia", "southern-asia", "south-eastern-asia",
     "western-asia",
     "europe", "eastern-europe", "northern-europe", "southern-europe", "western-europe",
     "oceania", "antarctica", "australia-new-zealand", "melanesia", "micronesia",
     "polynesia"});
// clang-format on

const Vocabulary kReportType("report-type-ov",
                             {"attack-pattern", "campaign", "identity", "indicator",
                              "intrusion-set", "malware", "observed-data", "threat-actor",
                              "threat-report", "tool", "vulnerability"});

const Vocabulary kThreatActorType("threat-actor-type-ov",
                                  {"activist", "competitor", "crime-syndicate", "criminal",
                                   "hacker", "insider-accidental", "insider-disgruntled",
                                   "nation-state", "sensationalist", "spy", "terrorist",
                                   "unknown"});

const Vocabulary kThreatActorRole("threat-actor-role-ov",
                                  {"agent", "director", "independent", "infrastructure-architect",
                                   "infrastructure-operator", "malware-author", "sponsor"});

const Vocabulary kThreatActorSophistication("threat-actor-sophistication-ov",
                                            {"none", "minimal", "intermediate", "advanced",
                                             "expert", "innovator", "strategic"});

const Vocabulary kToolType("tool-type-ov",
                           {"denial-of-service", "exploitation", "information-gathering",
                            "network-capture", "credential-exploitation", "remote-access",
                            "vulnerability-scanning", "unknown"});

const Vocabulary kWindowsIntegrityLevel("windows-integrity-level-enum",
                                        {"low", "medium", "high", "system"});

const Vocabulary kWindowsPebinaryType("windows-pebinary-type-ov", {"dll", "exe", "sys"});

const Vocabulary kWindowsRegistryDatatype("windows-registry-datatype-enum",
                                          {"REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY",
                                           "REG_DWORD", "REG_DWORD_BIG_ENDIAN",
                                           "REG_DWORD_LITTLE_ENDIAN", "REG_LINK", "REG_MULTI_SZ",
                                           "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTION",
                                           "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD",
                                           "REG_INVALID_TYPE"});

const Vocabulary kWindowsServiceStartType("windows-service-start-type-enum",
                                          {"SERVICE_AUTO_START", "SERVICE_BOOT_START",
                                           "SERVICE_DEMAND_START", "SERVICE_DISABLED",
                                           "SERVICE_SYSTEM_ALERT"});

const Vocabulary kWindowsServiceType("windows-service-type-enum",
                                     {"SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER",
                                      "SERVICE_WIN32_OWN_PROCESS", "SERVICE_WIN32_SHARE_PROCESS"});

const Vocabulary kWindowsServiceStatus("windows-service-status-enum",
                                       {"SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING",
                                        "SERVICE_PAUSED", "SERVICE_RUNNING",
                                        "SERVICE_START_PENDING", "SERVICE_STOP_PENDING",
                                        "SERVICE_STOPPED"});

}  // namespace vocab
}  // namespace kongsi::stix
