package ccflare.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * How the domain's "absent" values map to SQL NULL: the records use "" and negative or zero
 * sentinels, the schema uses NULL so indexes with {@code WHERE x IS NOT NULL} and aggregates
 * such as {@code AVG} skip them.
 */
final class Columns {
    private Columns() {}

    /** Binds {@code value}, or NULL when it is empty. */
    static void text(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null || value.isEmpty()) ps.setNull(index, Types.VARCHAR);
        else ps.setString(index, value);
    }

    /** Binds {@code value}, or NULL when it is below {@code min} (the domain's "unknown"). */
    static void longAtLeast(PreparedStatement ps, int index, long value, long min) throws SQLException {
        if (value < min) ps.setNull(index, Types.BIGINT);
        else ps.setLong(index, value);
    }

    /** Binds {@code value}, or NULL when it is negative or not a number. */
    static void nonNegativeDouble(PreparedStatement ps, int index, double value) throws SQLException {
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) ps.setNull(index, Types.DOUBLE);
        else ps.setDouble(index, value);
    }

    static String text(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? "" : s;
    }

    static long longOr(ResultSet rs, String column, long ifNull) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? ifNull : v;
    }

    static double doubleOr(ResultSet rs, String column, double ifNull) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? ifNull : v;
    }

    static double doubleOr(ResultSet rs, int column, double ifNull) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? ifNull : v;
    }
}
