/* test_abi.c — the ABI codec of node/abi.c: every type packed and decoded
 * with exact bytes, fx text both ways, and each class of error (bad JSON,
 * bad ABI documents, wrong types, out of range, missing and extra
 * arguments, trailing or truncated return data) with its message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"

static int failures;
#define CHECK(cond, ...)                                        \
  do {                                                          \
    if (!(cond)) {                                              \
      failures++;                                               \
      fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);     \
      fprintf(stderr, __VA_ARGS__);                             \
      fputc('\n', stderr);                                      \
    }                                                           \
  } while (0)

static const char abi_text[] =
  "{\"contract\":\"t\",\"abi_version\":1,\"methods\":["
  "{\"name\":\"all\",\"readonly\":false,\"args\":["
  "{\"name\":\"a\",\"type\":\"u8\"},{\"name\":\"b\",\"type\":\"u16\"},{\"name\":\"c\",\"type\":\"u32\"},"
  "{\"name\":\"d\",\"type\":\"u64\"},{\"name\":\"e\",\"type\":\"i64\"},{\"name\":\"f\",\"type\":\"fx\"},"
  "{\"name\":\"g\",\"type\":\"address\"},{\"name\":\"h\",\"type\":\"bytes\"}],"
  "\"returns\":[{\"name\":\"x\",\"type\":\"u64\"},{\"name\":\"p\",\"type\":\"fx\"}]},"
  "{\"name\":\"view\",\"readonly\":true}],"
  "\"events\":[{\"name\":\"Fill\",\"fields\":[{\"name\":\"size\",\"type\":\"i64\"}]}]}";

static const char *G = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/* Encode args (JSON text) for method `all`; returns rc, bytes as hex in hex_out. */
static int enc(const dvm_node_abi *a, const char *args, char *hex_out, char *err) {
  json_error_t je;
  json_t *j = json_loads(args, JSON_DECODE_ANY, &je);
  uint8_t *out;
  size_t len;
  if (!j) {
    snprintf(err, 256, "test json: %s", je.text);
    return -2;
  }
  const dvm_node_abi_method *m = dvm_node_abi_method_find(a, "all");
  int rc = dvm_node_abi_encode(m->args, m->nargs, j, &out, &len, err, 256);
  json_decref(j);
  if (rc == 0) {
    for (size_t i = 0; i < len; i++) sprintf(hex_out + 2 * i, "%02x", out[i]);
    hex_out[2 * len] = 0;
    free(out);
  }
  return rc;
}

static void expect_err(const dvm_node_abi *a, const char *args, const char *msg) {
  char hex[512], err[256] = "";
  int rc = enc(a, args, hex, err);
  CHECK(rc == -1, "args %s: rc %d, expected an error", args, rc);
  CHECK(strstr(err, msg) != NULL, "args %s: error '%s' lacks '%s'", args, err, msg);
}

static void test_fx_text(void) {
  static const struct { const char *in; int64_t v; const char *out; } ok[] = {
    {"0", 0, "0"}, {"1", 1000000000, "1"}, {"3174.60", 3174600000000, "3174.6"},
    {"-0.5", -500000000, "-0.5"}, {"0.000000001", 1, "0.000000001"},
    {"9223372036.854775807", INT64_MAX, "9223372036.854775807"},
    {"-9223372036.854775808", INT64_MIN, "-9223372036.854775808"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    int64_t v = 0;
    char t[32];
    CHECK(dvm_node_fx_parse(ok[i].in, &v) == 0 && v == ok[i].v, "fx parse %s", ok[i].in);
    dvm_node_fx_format(ok[i].v, t);
    CHECK(!strcmp(t, ok[i].out), "fx format %s gave %s", ok[i].out, t);
  }
  static const char *bad[] = {"", "-", "1.", ".5", "1.0000000001", "9223372036.854775808",
                              "-9223372036.854775809", "1e3", " 1", "1,5", "0x10", "+1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t v;
    CHECK(dvm_node_fx_parse(bad[i], &v) == -1, "fx parse '%s' accepted", bad[i]);
  }
}

static void test_roundtrip(const dvm_node_abi *a) {
  char hex[512], err[256] = "", args[600];
  snprintf(args, sizeof args,
           "{\"a\":255,\"b\":\"65535\",\"c\":4294967295,\"d\":\"18446744073709551615\",\"e\":-2,"
           "\"f\":\"-1.25\",\"g\":\"0x%s\",\"h\":\"0A0b\"}", G);
  CHECK(enc(a, args, hex, err) == 0, "encode: %s", err);
  char want[512];
  snprintf(want, sizeof want, "%s%s%s%s%s%s%s%s", "ff", "ffff", "ffffffff", "ffffffffffffffff",
           "feffffffffffffff", "80837eb5ffffffff", G, "020000000a0b");
  CHECK(!strcmp(hex, want), "packed\n %s\nwanted\n %s", hex, want);
  /* The same values positionally. */
  snprintf(args, sizeof args,
           "[255,65535,\"4294967295\",18446744073709551615,\"-2\",\"-1.25\",\"%s\",\"0a0b\"]", G);
  /* jansson cannot hold 18446744073709551615 as an integer: the JSON text is refused. */
  CHECK(enc(a, args, hex, err) == -2, "u64 max as a JSON integer must not parse in jansson");
  snprintf(args, sizeof args, "[255,65535,4294967295,\"18446744073709551615\",\"-2\",5,\"%s\",\"\"]", G);
  CHECK(enc(a, args, hex, err) == 0, "positional: %s", err);
  snprintf(want, sizeof want, "%s%s%s%s%s%s%s%s", "ff", "ffff", "ffffffff", "ffffffffffffffff",
           "feffffffffffffff", "00f2052a01000000", G, "00000000");
  CHECK(!strcmp(hex, want), "positional packed %s", hex);

  /* Return data and events back to JSON. */
  const dvm_node_abi_method *m = dvm_node_abi_method_find(a, "all");
  uint8_t ret[16] = {0x2a, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x83, 0x7e, 0xb5, 0xff, 0xff, 0xff, 0xff};
  json_t *o;
  CHECK(dvm_node_abi_decode(m->returns, m->nreturns, ret, 16, &o, err, sizeof err) == 0, "decode: %s", err);
  char *s = o ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
  CHECK(s && !strcmp(s, "{\"p\":\"-1.25\",\"x\":\"42\"}"), "decoded %s", s ? s : "(null)");
  free(s);
  json_decref(o);
  CHECK(dvm_node_abi_decode(m->returns, m->nreturns, ret, 15, &o, err, sizeof err) == -1 &&
            strstr(err, "p (fx): truncated at byte 8 of 15"), "truncated: %s", err);
  uint8_t ret2[17] = {0};
  CHECK(dvm_node_abi_decode(m->returns, m->nreturns, ret2, 17, &o, err, sizeof err) == -1 &&
            strstr(err, "1 bytes left over"), "trailing: %s", err);
  /* A bytes field whose length runs past the data. */
  static const dvm_node_abi_field bf = {"h", DVM_NODE_ABI_BYTES};
  uint8_t bb[6] = {3, 0, 0, 0, 1, 2};
  CHECK(dvm_node_abi_decode(&bf, 1, bb, 6, &o, err, sizeof err) == -1 && strstr(err, "h (bytes): truncated"),
        "bytes truncated: %s", err);
  bb[0] = 2;
  CHECK(dvm_node_abi_decode(&bf, 1, bb, 6, &o, err, sizeof err) == 0, "bytes: %s", err);
  s = o ? json_dumps(o, JSON_COMPACT) : NULL;
  CHECK(s && !strcmp(s, "{\"h\":\"0102\"}"), "bytes decoded %s", s ? s : "");
  free(s);
  json_decref(o);

  uint8_t topic[64] = {'F', 'i', 'l', 'l'};
  uint8_t data[8] = {0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  CHECK(dvm_node_abi_decode_log(a, topic, 2, data, 8, &o, err, sizeof err) == 0, "log: %s", err);
  s = o ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
  CHECK(s && !strcmp(s, "{\"event\":\"Fill\",\"fields\":{\"size\":\"-5\"}}"), "log %s", s ? s : "");
  free(s);
  json_decref(o);
  topic[4] = 'x';
  CHECK(dvm_node_abi_decode_log(a, topic, 1, data, 8, &o, err, sizeof err) == -1 &&
            strstr(err, "names no event"), "unknown event: %s", err);
  CHECK(dvm_node_abi_decode_log(a, topic, 0, data, 8, &o, err, sizeof err) == -1, "no topics");
}

static void test_arg_errors(const dvm_node_abi *a) {
  char base[600];
  /* Missing and extra arguments. */
  expect_err(a, "{\"a\":1}", "args.b: missing (u16)");
  snprintf(base, sizeof base, "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":\"1\",\"g\":\"%s\",\"h\":\"\",\"z\":1}", G);
  expect_err(a, base, "args.z: no such argument");
  expect_err(a, "[1,2]", "args: 2 values for 8 arguments");
  expect_err(a, "\"x\"", "args: expected an object");
  expect_err(a, "null", "args: missing (8 expected)");
  /* Wrong types and out of range, one field at a time. */
  static const struct { const char *field, *value, *msg; } cases[] = {
    {"a", "256", "args.a: u8: 256 out of range"},
    {"a", "-1", "args.a: u8: -1 out of range"},
    {"a", "1.5", "args.a: u8: expected an integer or a decimal string, got a number with a fraction"},
    {"a", "true", "got a boolean"},
    {"b", "65536", "args.b: u16: 65536 out of range"},
    {"c", "\"4294967296\"", "args.c: u32: 4294967296 out of range"},
    {"d", "\"18446744073709551616\"", "args.d: u64: not a decimal unsigned integer"},
    {"d", "\"-1\"", "args.d: u64: not a decimal unsigned integer"},
    {"d", "\"007\"", "not a decimal unsigned integer"},
    {"d", "[]", "got an array"},
    {"e", "\"9223372036854775808\"", "args.e: i64: 9223372036854775808 out of range"},
    {"e", "\"-9223372036854775809\"", "args.e: i64: -9223372036854775809 out of range"},
    {"f", "1.5", "args.f: fx: expected a decimal string such as \"3174.60\" (JSON numbers with a fraction"},
    {"f", "\"1.0000000001\"", "args.f: fx: \"1.0000000001\" is not a decimal"},
    {"f", "9223372037", "args.f: fx: 9223372037 out of range"},
    {"g", "\"00\"", "args.g: address: expected 64 hex digits"},
    {"g", "12", "args.g: address: expected 64 hex digits"},
    {"h", "\"abc\"", "args.h: bytes: expected an even number of hex digits"},
    {"h", "\"zz\"", "args.h: bytes: expected an even number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *o = json_pack("{s:i,s:i,s:i,s:i,s:i,s:s,s:s,s:s}", "a", 1, "b", 1, "c", 1, "d", 1, "e", 1, "f", "1",
                          "g", G, "h", "");
    json_error_t je;
    json_t *v = json_loads(cases[i].value, JSON_DECODE_ANY, &je);
    json_object_set_new(o, cases[i].field, v);
    char *txt = json_dumps(o, JSON_COMPACT);
    expect_err(a, txt, cases[i].msg);
    free(txt);
    json_decref(o);
  }
  /* Exact minimum of i64 and an fx integer. */
  char hex[512], err[256];
  snprintf(base, sizeof base, "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":\"-9223372036854775808\",\"f\":-3,\"g\":\"%s\",\"h\":\"\"}", G);
  CHECK(enc(a, base, hex, err) == 0, "i64 min: %s", err);
  CHECK(!strncmp(hex + 30, "0000000000000080" "00a22f4dffffffff", 32), "i64 min / fx -3 packed %s", hex + 30);
}

static void expect_bad_abi(const char *text, const char *msg) {
  dvm_node_abi *a;
  char err[256] = "";
  CHECK(dvm_node_abi_parse(text, strlen(text), &a, err, sizeof err) == -1, "ABI accepted: %s", text);
  CHECK(strstr(err, msg) != NULL, "ABI error '%s' lacks '%s'", err, msg);
}

static void test_bad_abi(void) {
  expect_bad_abi("{\"contract\":", "(json) line 1");
  expect_bad_abi("[]", "(root): not an object");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1}", "(root).methods: missing");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":2,\"methods\":[]}", "abi_version: must be 1");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[],\"x\":1}", "(root).x: unknown key");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[{\"name\":\"m\"},{\"name\":\"m\"}]}",
                 "methods[1].name: duplicate of methods[0]");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[{\"name\":\"m\",\"args\":[{\"name\":\"a\",\"type\":\"u128\"}]}]}",
                 "methods[0].args[0].type: not one of");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[{\"name\":\"m\",\"args\":[{\"name\":\"a\",\"type\":\"u8\"},{\"name\":\"a\",\"type\":\"u8\"}]}]}",
                 "methods[0].args[1].name: duplicate of methods[0].args[0]");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[{\"name\":\"bad name\"}]}",
                 "methods[0].name: not a name");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[{\"name\":\"m\",\"readonly\":1}]}",
                 "methods[0].readonly: not true or false");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[],\"events\":[{\"name\":\"ThisEventNameIsLongerThan32Bytes_\"}]}",
                 "events[0].name: not a name of 1..32");
  expect_bad_abi("{\"contract\":\"t\",\"abi_version\":1,\"methods\":[{\"name\":\"m\"}],\"methods\":[]}", "(json)");
}

int main(void) {
  dvm_node_abi *a;
  char err[256];
  test_fx_text();
  CHECK(dvm_node_abi_parse(abi_text, strlen(abi_text), &a, err, sizeof err) == 0, "parse: %s", err);
  if (!a) return 1;
  CHECK(a->nmethods == 2 && a->nevents == 1 && a->methods[1].readonly && !a->methods[0].readonly, "shape");
  /* The canonical JSON parses back to the same canonical JSON. */
  json_t *j = dvm_node_abi_to_json(a);
  char *t1 = json_dumps(j, JSON_COMPACT);
  dvm_node_abi *b;
  CHECK(dvm_node_abi_parse(t1, strlen(t1), &b, err, sizeof err) == 0, "reparse: %s", err);
  json_t *j2 = b ? dvm_node_abi_to_json(b) : NULL;
  char *t2 = j2 ? json_dumps(j2, JSON_COMPACT) : NULL;
  CHECK(t2 && !strcmp(t1, t2), "canonical form differs");
  free(t1);
  free(t2);
  json_decref(j);
  json_decref(j2);
  dvm_node_abi_free(b);
  test_roundtrip(a);
  test_arg_errors(a);
  test_bad_abi();
  dvm_node_abi_free(a);
  if (failures) {
    fprintf(stderr, "test_abi: %d failures\n", failures);
    return 1;
  }
  printf("test_abi: ok\n");
  return 0;
}
