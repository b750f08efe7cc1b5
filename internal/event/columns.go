package event

import (
	"fmt"
	"reflect"
	"strings"
)

// Column is one column of the query table over delivered events: a JSON field and its Hive type.
type Column struct {
	Name, Type string
}

// Columns derives the Glue table's columns from Event's JSON fields, so the table can never drift from what the
// producer writes: nested objects become struct<...>, integers int or bigint. timestamp is epoch seconds (bigint).
func Columns() []Column {
	t := reflect.TypeFor[Event]()
	var cols []Column
	for f := range jsonFields(t) {
		cols = append(cols, Column{Name: f.name, Type: hiveType(f.typ)})
	}
	return cols
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields yields the exported fields with a json tag, in declaration order.
func jsonFields(t reflect.Type) func(yield func(jsonField) bool) {
	return func(yield func(jsonField) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || tag == "" || tag == "-" {
				continue
			}
			if !yield(jsonField{tag, f.Type}) {
				return
			}
		}
	}
}

func hiveType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int32:
		return "int"
	case reflect.Int64:
		return "bigint"
	case reflect.Float64:
		return "double"
	case reflect.Bool:
		return "boolean"
	case reflect.Struct:
		var parts []string
		for f := range jsonFields(t) {
			parts = append(parts, f.name+":"+hiveType(f.typ))
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	}
	panic(fmt.Sprintf("event: no Hive type for %v", t))
}
