//! Small SQL-building helpers shared by the repositories.

/// The `VALUES` list for a multi-row insert of `rows` rows, each with
/// `binds` numbered placeholders followed by the literal `suffix` columns,
/// e.g. `($1, $2, 1), ($3, $4, 1)` for `values_list(2, 2, ", 1")`.
pub(crate) fn values_list(rows: usize, binds: usize, suffix: &str) -> String {
    let mut sql = String::with_capacity(rows * binds * 5);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..binds {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * binds + column + 1).to_string());
        }
        sql.push_str(suffix);
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::values_list;

    #[test]
    fn numbers_placeholders_across_rows() {
        assert_eq!(values_list(2, 2, ", 1"), "($1, $2, 1), ($3, $4, 1)");
        assert_eq!(values_list(1, 3, ""), "($1, $2, $3)");
    }
}
