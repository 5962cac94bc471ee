package dev.waystation.policy.setting;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Durations in Go's {@code time.ParseDuration} / {@code Duration.String()} syntax, the form policy
 * documents and Tailscale use: {@code 300ms}, {@code 1.5h}, {@code 2h30m}; a bare {@code 0} is allowed.
 */
public final class DurationText {

    private static final long NANOS_PER_MICRO = 1_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;
    private static final long NANOS_PER_HOUR = 60 * NANOS_PER_MINUTE;

    private DurationText() {
    }

    public static Duration parse(String text) throws SettingValueException {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new SettingValueException("time: missing unit in duration \"" + text + "\"");
            }
            long scale = nanosPer(unit, text);
            total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(scale)));
        }
        if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new SettingValueException("time: invalid duration \"" + text + "\" (overflow)");
        }
        long nanos = total.setScale(0, RoundingMode.DOWN).longValueExact();
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        if (nanos < NANOS_PER_MICRO) {
            return out.append(nanos).append("ns").toString();
        }
        if (nanos < NANOS_PER_MILLI) {
            return out.append(fraction(nanos, NANOS_PER_MICRO)).append("µs").toString();
        }
        if (nanos < NANOS_PER_SECOND) {
            return out.append(fraction(nanos, NANOS_PER_MILLI)).append("ms").toString();
        }
        long hours = nanos / NANOS_PER_HOUR;
        long minutes = nanos % NANOS_PER_HOUR / NANOS_PER_MINUTE;
        long rest = nanos % NANOS_PER_MINUTE;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(fraction(rest, NANOS_PER_SECOND)).append('s').toString();
    }

    private static String fraction(long nanos, long unit) {
        BigDecimal value = BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(unit)).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
    }

    private static long nanosPer(String unit, String text) throws SettingValueException {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> NANOS_PER_MICRO;
            case "ms" -> NANOS_PER_MILLI;
            case "s" -> NANOS_PER_SECOND;
            case "m" -> NANOS_PER_MINUTE;
            case "h" -> NANOS_PER_HOUR;
            default -> throw new SettingValueException("time: unknown unit \"" + unit + "\" in duration \"" + text + "\"");
        };
    }

    private static SettingValueException invalid(String text) {
        return new SettingValueException("time: invalid duration \"" + text + "\"");
    }
}
