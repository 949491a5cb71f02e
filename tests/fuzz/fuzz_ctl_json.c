/*
 * tests/fuzz/fuzz_ctl_json.c: the bridge reads control requests with
 * br_ctl_json_str (bridge/json.c); any local process can write to the
 * socket. Whatever the line: no read past its NUL, and a value found is a
 * string no longer than the line with no NUL inside.
 *
 * Input layout: the key (up to the first byte 0x01), then the line. The
 * fuzz link has only rsp/ objects, so the file under test is included,
 * with the allocator it needs.
 */
#include <stdlib.h>

#include "bridge/json.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void *
xmalloc(size_t size)
{
	void	*p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		abort();
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*sep = memchr(data, 0x01, size);
	const char	*keys[] = { "cmd", "text", "v" };
	char		*key, *line, *v;
	size_t		 klen, i;

	if (sep == NULL || size > 65536)
		return 0;
	klen = (size_t)(sep - data);
	key = malloc(klen + 1);
	memcpy(key, data, klen);
	key[klen] = '\0';
	/* An exact-size copy: ASan sees any read past the NUL. */
	line = malloc(size - klen);
	memcpy(line, sep + 1, size - klen - 1);
	line[size - klen - 1] = '\0';
	for (i = 0; i <= 3; i++) {
		v = br_ctl_json_str(line, i < 3 ? keys[i] : key);
		if (v != NULL) {
			if (strlen(v) > strlen(line))
				abort();
			free(v);
		}
	}
	free(key);
	free(line);
	return 0;
}
