// SPDX-License-Identifier: MIT
/*
 * The CMOS real-time clock, read once for the wall clock when there is no
 * kvmclock (QEMU under TCG). Seconds resolution is all it has.
 */
#include <arch/clock.h>
#include <arch/x86.h>

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a	/* bit 7: update in progress */
#define RTC_STATUS_B	0x0b	/* bit 2: binary, bit 1: 24-hour */
#define RTC_CENTURY	0x32

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to (y, m, d), proleptic Gregorian. */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	y -= m <= 2;
	unsigned era = y / 400, yoe = y % 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (uint64_t)era * 146097 + doe - 719468;
}

uint64_t rtc_cmos_read(void)
{
	uint8_t r[7], again[7];
	const uint8_t regs[7] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS,
				  RTC_DAY, RTC_MONTH, RTC_YEAR, RTC_CENTURY };

	if (cmos(RTC_STATUS_B) == 0xff)
		return 0;	/* no RTC: the bus floats high */
	/* Read until two passes agree and no update was in progress. */
	for (int tries = 0; tries < 1000; tries++) {
		for (int spin = 0; spin < 100000; spin++)
			if (!(cmos(RTC_STATUS_A) & 0x80))
				break;
		for (int i = 0; i < 7; i++)
			r[i] = cmos(regs[i]);
		for (int i = 0; i < 7; i++)
			again[i] = cmos(regs[i]);
		if (__builtin_memcmp(r, again, sizeof(r)) == 0)
			break;
	}
	uint8_t status_b = cmos(RTC_STATUS_B);
	bool binary = status_b & 0x04;
	unsigned hour = bcd(r[2] & 0x7f, binary);

	if (!(status_b & 0x02))	/* 12-hour clock: 12 AM is 0, PM adds 12 */
		hour = hour % 12 + (r[2] & 0x80 ? 12 : 0);
	unsigned century = bcd(r[6], binary);
	unsigned year = bcd(r[5], binary) + (century >= 19 && century <= 30 ?
					     century * 100 : 2000);
	uint64_t days = days_from_civil(year, bcd(r[4], binary),
					bcd(r[3], binary));

	return days * 86400 + hour * 3600 + bcd(r[1], binary) * 60 +
	       bcd(r[0], binary);
}
