/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_telnet.c: the telnet byte layer (bridge/telnet.c) reads
 * what ser2net, QEMU's telnet=on and every console client send. Whatever
 * comes in: never more data out than in, the same data and commands however
 * the input is cut into reads, and escaping then decoding gives the data
 * back untouched with no command seen.
 *
 * Input layout: byte 0 picks the decoder's CR handling, byte 1 where the
 * input is cut (a stride), the rest is the wire. The fuzz link has only
 * rsp/ objects, so the file under test is included.
 */
#include <stdlib.h>

#include "bridge/telnet.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TF_MAX	4096

/* What the callbacks saw, folded into one running hash and a count. */
struct tf_seen {
	uint64_t	hash;
	size_t		n;
};

static void
tf_mix(struct tf_seen *s, uint8_t b)
{
	s->hash = (s->hash ^ b) * 0x100000001b3ULL;
}

static void
tf_cb(void *arg, uint8_t cmd, uint8_t opt, const uint8_t *sb, size_t sblen)
{
	struct tf_seen	*s = arg;
	size_t		 i;

	if (sblen > BR_TN_SB_MAX || (sblen > 0 && sb == NULL))
		abort();
	s->n++;
	tf_mix(s, cmd);
	tf_mix(s, opt);
	for (i = 0; i < sblen; i++)
		tf_mix(s, sb[i]);
	tf_mix(s, 0xa5);
}

static size_t
tf_decode(const uint8_t *in, size_t len, size_t stride, uint8_t flags,
    uint8_t *out, struct tf_seen *seen)
{
	struct br_telnet	tn;
	size_t			off = 0, step, n = 0, got;

	br_telnet_init(&tn);
	tn.strip_crnul = flags & 1;
	tn.crlf_to_cr = (flags & 2) != 0;
	while (off < len) {
		step = stride == 0 ? len - off : stride;
		if (step > len - off)
			step = len - off;
		got = br_telnet_decode(&tn, in + off, step, out + n, tf_cb,
		    seen);
		if (got > step)
			abort();
		n += got;
		off += step;
	}
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 a[TF_MAX], b[TF_MAX];
	static uint8_t	 esc[2 * TF_MAX], back[2 * TF_MAX];
	struct tf_seen	 sa = { 0, 0 }, sb = { 0, 0 }, sc = { 0, 0 };
	uint8_t		 flags;
	size_t		 stride, na, nb, ne, nback, used;

	if (size < 2 || size - 2 > TF_MAX)
		return (0);
	flags = data[0];
	stride = data[1] % 17;		/* 0: one read */
	data += 2;
	size -= 2;

	na = tf_decode(data, size, 0, flags, a, &sa);
	nb = tf_decode(data, size, stride == 0 ? 1 : stride, flags, b, &sb);
	if (na > size || na != nb || memcmp(a, b, na) != 0 ||
	    sa.n != sb.n || sa.hash != sb.hash)
		abort();

	/* Escape what came out and decode it again: the same bytes. */
	ne = br_telnet_escape(esc, sizeof esc, a, na, (flags & 1) != 0, &used);
	if (used != na || ne > 2 * na)
		abort();
	nback = tf_decode(esc, ne, stride, flags & 1, back, &sc);
	if (sc.n != 0 || nback != na || memcmp(back, a, na) != 0)
		abort();
	return (0);
}
