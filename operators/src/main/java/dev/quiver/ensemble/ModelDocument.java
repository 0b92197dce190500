package dev.quiver.ensemble;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Typed access to a parsed model document, with refusals that name the field's path.
 *
 * <p>Both readers ({@link JsonDocumentReader}, {@link UbjsonReader}) produce the same shapes: an
 * object is a {@code Map<String, Object>} in file order, an array of numbers a {@link
 * NumericArray}, any other array a {@code List<Object>}, a string a {@code String}, a number a
 * {@link BigDecimal} (exact, so a float32 or a double can both be rounded from it once) or a {@code
 * Double} where it is not finite, a boolean a {@code Boolean}, and null {@link #NULL}.
 */
final class ModelDocument {

    /** JSON's and UBJSON's null, distinct from an absent field. */
    static final Object NULL = new Object();

    private ModelDocument() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw wrongType(value, path, "an object");
    }

    static Map<String, Object> object(Map<String, Object> parent, String key, String path) {
        return object(required(parent, key, path), path + "." + key);
    }

    static Object required(Map<String, Object> parent, String key, String path) {
        Object value = parent.get(key);
        if (value == null) {
            throw new ModelFormatException("missing field " + path + "." + key);
        }
        return value;
    }

    static String string(Map<String, Object> parent, String key, String path) {
        Object value = required(parent, key, path);
        if (value instanceof String s) {
            return s;
        }
        throw wrongType(value, path + "." + key, "a string");
    }

    static List<?> list(Object value, String path) {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof NumericArray numbers) {
            if (numbers.length() == 0) {
                return List.of();
            }
        }
        throw wrongType(value, path, "an array");
    }

    static NumericArray numbers(Object value, String path) {
        if (value instanceof NumericArray numbers) {
            return numbers;
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return NumericArray.ofDoubles(new double[0]);
            }
            // An array of numbers written without UBJSON's type header, or of booleans (read as
            // 0 and 1): a float of the exact value keeps the one-rounding guarantee.
            double[] doubles = new double[list.size()];
            float[] floats = new float[list.size()];
            for (int i = 0; i < doubles.length; i++) {
                Object element = list.get(i);
                String elementPath = path + "[" + i + "]";
                if (element instanceof Boolean b) {
                    doubles[i] = b ? 1 : 0;
                    floats[i] = b ? 1 : 0;
                } else {
                    doubles[i] = number(element, elementPath);
                    floats[i] = floatNumber(element, elementPath);
                }
            }
            return new NumericArray(doubles.length, doubles, floats);
        }
        throw wrongType(value, path, "an array of numbers");
    }

    static NumericArray numbers(Map<String, Object> parent, String key, String path) {
        return numbers(required(parent, key, path), path + "." + key);
    }

    static double number(Object value, String path) {
        if (value instanceof BigDecimal decimal) {
            return decimal.doubleValue();
        }
        if (value instanceof Double d) {
            return d;
        }
        throw wrongType(value, path, "a number");
    }

    /** The float nearest the number's exact value (one rounding, as XGBoost's own parse). */
    static float floatNumber(Object value, String path) {
        if (value instanceof BigDecimal decimal) {
            return Float.parseFloat(decimal.toString());
        }
        if (value instanceof Double d) {
            return d.floatValue();
        }
        throw wrongType(value, path, "a number");
    }

    static int intNumber(Object value, String path) {
        double d = number(value, path);
        if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw new ModelFormatException(path + " is not an int: " + value);
        }
        return (int) d;
    }

    /** An int written as a number or, as XGBoost writes its parameters, as a decimal string. */
    static int intParameter(Map<String, Object> parent, String key, String path, int fallback) {
        Object value = parent.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new ModelFormatException(path + "." + key + " is not an int: '" + s + "'");
            }
        }
        return intNumber(value, path + "." + key);
    }

    static ModelFormatException wrongType(Object value, String path, String expected) {
        return new ModelFormatException(path + " must be " + expected + ", found " + kind(value));
    }

    private static String kind(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value == NULL) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?> || value instanceof NumericArray) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }
}
